using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FapiHub.Application;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Domain.Errors;
using FapiHub.Infrastructure;
using FapiHub.Infrastructure.Imaging.UrlFetching;
using FapiHub.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace FapiHub.UnitTests.Infrastructure.UrlFetching;

/// <summary>
/// The fetcher with its name lookups answered by a stand-in (names under <c>.test</c>, which no real resolver answers),
/// to show what real DNS cannot: the connection goes to the address looked up once, and one internal answer among
/// public ones refuses the host. Everything else about fetching is proven against a real server and real DNS in
/// FapiHub.FunctionalTests/Reliability/ImageUrlFetchingTests.
/// </summary>
public sealed class ImageUrlFetcherTests
{
    private static readonly byte[] Png = TestImages.Encode(4, 4, (_, _) => SKColors.Teal);

    [Fact]
    public async Task FetchAsync_WhenANameIsLookedUp_ShouldConnectToThatAddressOnlyAndStillSendTheName()
    {
        using var server = OneShotHttpServer.Start(Png);
        var resolver = new StandInResolver { ["images.pinned.test"] = [IPAddress.Loopback] };
        using var services = Build(resolver, allowedHost: "images.pinned.test");

        var result = await Fetcher(services).FetchAsync($"http://images.pinned.test:{server.Port}/cat.png", "image_url", CancellationToken.None);

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(Png, result.Value.Content.ToArray());
        Assert.Equal("image/png", result.Value.ContentType);
        Assert.Equal(1, resolver.Lookups("images.pinned.test")); // the handler never looked the name up again
        Assert.Contains($"Host: images.pinned.test:{server.Port}\r\n", await server.RequestHead, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("93.184.215.14", "127.0.0.1")]
    [InlineData("127.0.0.1", "93.184.215.14")]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", "fd00:ec2::254")]
    [InlineData("93.184.215.14", "::ffff:169.254.169.254")]
    public async Task FetchAsync_WhenANameResolvesToAPublicAndAnInternalAddress_ShouldRefuseTheHostWithoutNamingTheAddress(string first, string second)
    {
        var resolver = new StandInResolver { ["mixed.test"] = [IPAddress.Parse(first), IPAddress.Parse(second)] };
        using var services = Build(resolver);

        var result = await Fetcher(services).FetchAsync("https://mixed.test/cat.png", "image_url", CancellationToken.None);

        Assert.Equal(ErrorCodes.ImageUrlRefused, result.Error?.Code);
        Assert.Equal("image_url", result.Error?.Field);
        Assert.Contains("the host 'mixed.test' resolves to an address this server does not fetch from", result.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(second, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_WhenTheNameDoesNotResolve_ShouldAnswerUnreachable()
    {
        using var services = Build(new StandInResolver());

        var result = await Fetcher(services).FetchAsync("https://nowhere.test/cat.png", "bg_image_url", CancellationToken.None);

        Assert.Equal(ErrorCodes.ImageUrlUnreachable, result.Error?.Code);
        Assert.Contains("Field 'bg_image_url'", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("could not be resolved", result.Error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(StandInResolver resolver, string? allowedHost = null)
    {
        var settings = new Dictionary<string, string?>();
        if (allowedHost is not null)
        {
            settings["ImageUrl:AllowedHosts:0"] = allowedHost;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddApplication(configuration).AddInfrastructure(configuration);
        services.AddSingleton<IHostResolver>(resolver);
        return services.BuildServiceProvider();
    }

    private static IImageUrlFetcher Fetcher(ServiceProvider services) => services.GetRequiredService<IImageUrlFetcher>();

    /// <summary>Answers lookups from a table and counts them; an unknown name fails as a real resolver would.</summary>
    private sealed class StandInResolver : IHostResolver
    {
        private readonly Dictionary<string, IPAddress[]> _answers = new(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentDictionary<string, int> _lookups = new(StringComparer.OrdinalIgnoreCase);

        public IPAddress[] this[string host]
        {
            set => _answers[host] = value;
        }

        public int Lookups(string host) => _lookups.GetValueOrDefault(host);

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            _lookups.AddOrUpdate(host, 1, (_, count) => count + 1);
            return _answers.TryGetValue(host, out var addresses)
                ? Task.FromResult(addresses)
                : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
        }
    }

    /// <summary>A loopback socket that answers one HTTP request with <c>200</c> and a body, and keeps the request head.</summary>
    private sealed class OneShotHttpServer : IDisposable
    {
        private readonly TcpListener _listener;

        private OneShotHttpServer(byte[] body)
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            RequestHead = AnswerOnceAsync(body);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public Task<string> RequestHead { get; }

        public static OneShotHttpServer Start(byte[] body) => new(body);

        public void Dispose() => _listener.Dispose();

        private async Task<string> AnswerOnceAsync(byte[] body)
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(body);
            return head.ToString();
        }
    }
}
