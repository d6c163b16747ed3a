using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FapiHub.Application;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.FunctionalTests.Accounts;
using FapiHub.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// The image URL fetcher (issue 21, ADR 18) against a real loopback HTTP server and the machine's real resolver, with
/// the Infrastructure layer's own registration. The server is fetchable only where a test allow-lists its host
/// (<c>127.0.0.1</c>); every refusal is shown, and where it happens before any request, the server's request count
/// shows none was made. docs/reliability.md ("Fetching image URLs") lists these tests by refusal.
/// </summary>
public sealed class ImageUrlFetchingTests(ImageUrlServer server) : IClassFixture<ImageUrlServer>
{
    private const string Field = "image_url";
    private const string TestServerHost = "127.0.0.1";

    [Fact]
    public async Task FetchAsync_WhenTheAllowListedServerServesAnImage_ShouldReturnItsExactBytesAndSniffedType()
    {
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));

        var result = await Fetch(services, server.Url("/cat.bin"));

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(ImageUrlServer.Png, result.Value.Content.ToArray());
        Assert.Equal("image/png", result.Value.ContentType); // the server said application/octet-stream
    }

    [Fact]
    public async Task FetchAsync_WhenTheApplicationIsConfiguredWithAnAllowList_ShouldFetchThroughItsOwnWiring()
    {
        await using var host = new AccountsHost(null, "image-url", new Dictionary<string, string> { ["ImageUrl:AllowedHosts:0"] = TestServerHost });
        using var client = host.CreateClient(); // starts the application

        var result = await host.Services.GetRequiredService<IImageUrlFetcher>().FetchAsync(server.Url("/cat.png"), Field, CancellationToken.None);

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(ImageUrlServer.Png, result.Value.Content.ToArray());
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/cat.png", "127.0.0.1 is loopback (127.0.0.0/8)")]
    [InlineData("http://[::1]:{port}/cat.png", "::1 is loopback (::1)")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/cat.png", "::ffff:127.0.0.1 is IPv4-mapped loopback")]
    [InlineData("http://0.0.0.0:{port}/cat.png", "0.0.0.0 is 'this network'")]
    [InlineData("http://2130706433:{port}/cat.png", "not written as four decimal numbers")]
    [InlineData("http://0177.0.0.1:{port}/cat.png", "not written as four decimal numbers")]
    [InlineData("http://0x7f.1:{port}/cat.png", "not written as four decimal numbers")]
    [InlineData("http://127.1:{port}/cat.png", "not written as four decimal numbers")]
    [InlineData("http://127.0.0.1.:{port}/cat.png", "its last label is a number")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is link-local (169.254.0.0/16), which holds the cloud metadata service")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254 is unique local (fc00::/7)")]
    [InlineData("http://100.100.100.200/latest/meta-data/", "carrier-grade NAT")]
    [InlineData("http://10.0.0.1/a.png", "private (10.0.0.0/8)")]
    [InlineData("http://172.16.0.1/a.png", "private (172.16.0.0/12)")]
    [InlineData("http://192.168.0.1/a.png", "private (192.168.0.0/16)")]
    [InlineData("http://198.18.0.1/a.png", "benchmarking")]
    [InlineData("http://[fe80::1]/a.png", "link-local (fe80::/10)")]
    [InlineData("http://[64:ff9b::7f00:1]/a.png", "NAT64 loopback")]
    [InlineData("http://224.0.0.1/a.png", "multicast")]
    [InlineData("http://255.255.255.255/a.png", "broadcast")]
    public async Task FetchAsync_WhenTheUrlNamesAnInternalAddress_ShouldRefuseWithoutARequest(string url, string why)
    {
        using var services = Build();
        var before = server.Requests;

        var result = await Fetch(services, url.Replace("{port}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        AssertFailure(result, ErrorCodes.ImageUrlRefused, why);
        Assert.Equal(before, server.Requests);
    }

    [Fact]
    public async Task FetchAsync_WhenADnsNameResolvesToLoopback_ShouldRefuseWithoutARequest()
    {
        // The server's own address is allow-listed; a name that resolves to it is not, and its answer is never echoed.
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));
        var before = server.Requests;

        var result = await Fetch(services, $"http://localhost:{server.Port}/cat.png");

        AssertFailure(result, ErrorCodes.ImageUrlRefused, "the host 'localhost' resolves to an address this server does not fetch from");
        Assert.DoesNotContain("127.0.0.1", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(before, server.Requests);
    }

    [Theory]
    [InlineData("http://localhost:{port}/cat.png", "it redirects to http://localhost:{port}, and the host 'localhost' resolves to an address this server does not fetch from")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "it redirects to http://169.254.169.254, and 169.254.169.254 is link-local")]
    [InlineData("http://[::1]:{port}/cat.png", "it redirects to http://[::1]:{port}, and ::1 is loopback")]
    [InlineData("http://2130706433:{port}/cat.png", "it redirects to http://127.0.0.1:{port}, and the address 127.0.0.1 is not written as four decimal numbers")]
    [InlineData("ftp://127.0.0.1:{port}/cat.png", "only http and https URLs are fetched")]
    [InlineData("file:///etc/passwd", "only http and https URLs are fetched")]
    public async Task FetchAsync_WhenTheAllowListedServerRedirectsToARefusedUrl_ShouldRefuseTheRedirect(string target, string why)
    {
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));
        var port = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var before = server.Requests;

        var result = await Fetch(services, server.Url("/redirect?to=" + Uri.EscapeDataString(target.Replace("{port}", port, StringComparison.Ordinal))));

        AssertFailure(result, ErrorCodes.ImageUrlRefused, why.Replace("{port}", port, StringComparison.Ordinal));
        Assert.Equal(before + 1, server.Requests); // the redirect itself, nothing after it
    }

    [Fact]
    public async Task FetchAsync_WhenRedirectsReachTheLimit_ShouldFollowThemAndOneMoreShouldBeUnreachable()
    {
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost), ("ImageUrl:MaxRedirects", "3"));

        var atLimit = await Fetch(services, server.Url("/chain/3"));
        var before = server.Requests;
        var overLimit = await Fetch(services, server.Url("/chain/4"));

        Assert.True(atLimit.IsSuccess, atLimit.Error?.Message);
        Assert.Equal(ImageUrlServer.Png, atLimit.Value.Content.ToArray());
        Assert.EndsWith("/chain/0", atLimit.Value.Url.AbsolutePath, StringComparison.Ordinal);
        AssertFailure(overLimit, ErrorCodes.ImageUrlUnreachable, "it redirects more than 3 times");
        Assert.Equal(before + 4, server.Requests); // the fifth hop is never requested
    }

    [Fact]
    public async Task FetchAsync_WhenARedirectHasNoLocation_ShouldBeUnreachable()
    {
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));

        AssertFailure(await Fetch(services, server.Url("/redirect-without-location")), ErrorCodes.ImageUrlUnreachable, "answered 302 without a usable Location");
    }

    [Fact]
    public async Task FetchAsync_WhenTheContentLengthIsOverTheUploadLimit_ShouldRefuseBeforeReadingTheBody()
    {
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));

        var result = await Fetch(services, server.Url("/oversize-declared"));

        AssertFailure(result, ErrorCodes.ImageUrlTooLarge, "larger than the limit of 10485760 bytes");
        Assert.Equal(ErrorType.PayloadTooLarge, result.Error!.Type);
    }

    [Fact]
    public async Task FetchAsync_WhenAChunkedBodyPassesTheUploadLimit_ShouldCutItOff()
    {
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));

        AssertFailure(await Fetch(services, server.Url("/oversize-chunked")), ErrorCodes.ImageUrlTooLarge, "larger than the limit of 10485760 bytes");
    }

    [Fact]
    public async Task FetchAsync_WhenTheServerNeverAnswers_ShouldTimeOutAtTheDeadline()
    {
        // The deadline runs on a clock the test fires once the server holds the request: no waiting on wall time.
        var clock = new FiringClock();
        using var services = Build(clock, ("ImageUrl:AllowedHosts:0", TestServerHost));
        server.ResetSilentSignal();

        var fetch = Fetch(services, server.Url("/silent"));
        await server.SilentRequestArrived.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(fetch.IsCompleted);
        clock.FireAll();

        AssertFailure(await fetch, ErrorCodes.ImageUrlTimeout, "did not download within 10 s");
    }

    [Fact]
    public async Task FetchAsync_WhenTheCallerCancels_ShouldThrowRatherThanAnswer()
    {
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));
        using var cancel = new CancellationTokenSource();
        server.ResetSilentSignal();

        var fetch = services.GetRequiredService<IImageUrlFetcher>().FetchAsync(server.Url("/silent"), Field, cancel.Token);
        await server.SilentRequestArrived.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
    }

    [Theory]
    [InlineData("/page", "declared Content-Type 'image/png'")]
    [InlineData("/empty", "the body is empty")]
    public async Task FetchAsync_WhenTheBodyIsNotAnImage_ShouldRefuseItWhateverItsContentType(string path, string why)
    {
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));

        AssertFailure(await Fetch(services, server.Url(path)), ErrorCodes.ImageUrlNotAnImage, why);
    }

    [Fact]
    public async Task FetchAsync_WhenTheServerAnswers404_ShouldBeUnreachable()
    {
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));

        AssertFailure(await Fetch(services, server.Url("/missing")), ErrorCodes.ImageUrlUnreachable, $"http://127.0.0.1:{server.Port} answered 404 Not Found");
    }

    [Fact]
    public async Task FetchAsync_WhenNothingListensOnThePort_ShouldBeUnreachable()
    {
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        AssertFailure(await Fetch(services, $"http://127.0.0.1:{closedPort}/cat.png"), ErrorCodes.ImageUrlUnreachable, "no connection could be made");
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:{port}/cat.png", "only http and https URLs are fetched (this one is ftp)")]
    [InlineData("file:///etc/passwd", "only http and https URLs are fetched (this one is file)")]
    [InlineData("gopher://127.0.0.1:{port}/_GET%20/cat.png", "only http and https URLs are fetched (this one is gopher)")]
    [InlineData("http://user:secret@127.0.0.1:{port}/cat.png", "URLs with a user name or password are not fetched")]
    [InlineData("http://127.0.0.1@evil.invalid:{port}/cat.png", "URLs with a user name or password are not fetched")]
    [InlineData("/cat.png", "not an absolute http or https URL")]
    [InlineData("cat.png", "not an absolute http or https URL")]
    [InlineData("", "not an absolute http or https URL")]
    public async Task FetchAsync_WhenTheUrlIsNotAPlainHttpUrl_ShouldRefuseWithoutARequest(string url, string why)
    {
        // Even with the server's host allow-listed.
        using var services = Build(("ImageUrl:AllowedHosts:0", TestServerHost));
        var before = server.Requests;

        AssertFailure(await Fetch(services, url.Replace("{port}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)), ErrorCodes.ImageUrlRefused, why);
        Assert.Equal(before, server.Requests);
    }

    [Fact]
    public async Task FetchAsync_WhenImageUrlIsDisabled_ShouldRefuseEveryUrlWithoutARequest()
    {
        using var services = Build(("ImageUrl:Enabled", "false"), ("ImageUrl:AllowedHosts:0", TestServerHost));
        var before = server.Requests;

        AssertFailure(await Fetch(services, server.Url("/cat.png")), ErrorCodes.ImageUrlRefused, "this server does not fetch images from URLs");
        Assert.Equal(before, server.Requests);
    }

    [Fact]
    public async Task FetchAsync_WhenRestrictedToAllowedHosts_ShouldRefuseEveryOtherHostBeforeResolvingIt()
    {
        using var services = Build(("ImageUrl:RestrictToAllowedHosts", "true"), ("ImageUrl:AllowedHosts:0", TestServerHost));

        var listed = await Fetch(services, server.Url("/cat.png"));
        var other = await Fetch(services, "https://example.com/cat.png");

        Assert.True(listed.IsSuccess, listed.Error?.Message);
        AssertFailure(other, ErrorCodes.ImageUrlRefused, "the host 'example.com' is not on this server's list of allowed hosts");
    }

    private static void AssertFailure(Result<FetchedImage> result, string code, string why)
    {
        Assert.False(result.IsSuccess, "expected a failure, got an image");
        Assert.Equal(code, result.Error!.Code);
        Assert.Equal(Field, result.Error.Field);
        Assert.StartsWith($"Field '{Field}': ", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains(why, result.Error.Message, StringComparison.Ordinal);
    }

    private static Task<Result<FetchedImage>> Fetch(ServiceProvider services, string url) =>
        services.GetRequiredService<IImageUrlFetcher>().FetchAsync(url, Field, CancellationToken.None);

    private static ServiceProvider Build(params (string Key, string Value)[] settings) => Build(null, settings);

    /// <summary>The Application and Infrastructure layers as the API registers them, with <paramref name="settings"/>.</summary>
    private static ServiceProvider Build(TimeProvider? clock, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddApplication(configuration).AddInfrastructure(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>A clock whose timers fire only when the test says so.</summary>
    private sealed class FiringClock : TimeProvider
    {
        private readonly ConcurrentBag<FiringTimer> _timers = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new FiringTimer(callback, state);
            _timers.Add(timer);
            return timer;
        }

        public void FireAll()
        {
            foreach (var timer in _timers)
            {
                timer.Fire();
            }
        }

        private sealed class FiringTimer(TimerCallback callback, object? state) : ITimer
        {
            private int _disposed;

            public void Fire()
            {
                if (Volatile.Read(ref _disposed) == 0)
                {
                    callback(state);
                }
            }

            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose() => Volatile.Write(ref _disposed, 1);

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
