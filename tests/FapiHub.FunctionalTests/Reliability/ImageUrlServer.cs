using System.Net;
using FapiHub.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// A real HTTP server (Kestrel) on a free loopback port, serving what the image URL fetcher meets in the wild: images
/// with honest and dishonest Content-Types, redirects and redirect chains, bodies over the upload limit with and
/// without a Content-Length, a 404, and a server that never answers. It counts the requests it receives, so a test can
/// show that a refused URL was never requested.
/// </summary>
public sealed class ImageUrlServer : IAsyncLifetime
{
    /// <summary>Twice the default upload limit (10 MB): the "20 MB URL body".</summary>
    public const int OversizeBytes = 20 * 1024 * 1024;

    public static readonly byte[] Png = TestImages.Encode(6, 4, (x, _) => x < 3 ? SKColors.Tomato : SKColors.Teal);

    private readonly string _contentRoot = Directory.CreateTempSubdirectory("fapihub-image-url-server-").FullName;
    private WebApplication? _app;
    private int _requests;
    private TaskCompletionSource _silentRequestArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Port { get; private set; }

    /// <summary>Requests received so far, of any path.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Completes when a request for <c>/silent</c> has arrived (it is never answered).</summary>
    public Task SilentRequestArrived => _silentRequestArrived.Task;

    public string Url(string pathAndQuery) => $"http://127.0.0.1:{Port}{pathAndQuery}";

    public void ResetSilentSignal() => _silentRequestArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        // An empty content root: the API's appsettings.json beside the tests is not this server's.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _contentRoot, EnvironmentName = "ImageUrlServer" });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _requests);
            await next(context);
        });

        _app.MapGet("/cat.png", () => Results.Bytes(Png, "image/png"));
        // Many stores label every object this way; the bytes decide.
        _app.MapGet("/cat.bin", () => Results.Bytes(Png, "application/octet-stream"));
        // The test photos (Fixtures/), for clients that need a real subject behind a URL.
        _app.MapGet("/fixtures/{name}", (string name) =>
            File.Exists(Path.Combine(AppContext.BaseDirectory, "Fixtures", Path.GetFileName(name)))
                ? Results.Bytes(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", Path.GetFileName(name))), "image/png")
                : Results.NotFound());
        // An HTML page that claims to be a PNG.
        _app.MapGet("/page", () => Results.Bytes("<!DOCTYPE html><html><body>Sign in to see this picture</body></html>"u8.ToArray(), "image/png"));
        _app.MapGet("/empty", () => Results.Bytes([], "image/png"));
        _app.MapGet("/missing", () => Results.NotFound());
        _app.MapGet("/redirect", (string to) => Results.Redirect(to));
        _app.MapGet("/redirect-without-location", () => Results.StatusCode(StatusCodes.Status302Found));
        // /chain/3 → /chain/2 → /chain/1 → /chain/0, which serves the image: n redirects.
        _app.MapGet("/chain/{n:int}", (int n) => n == 0 ? Results.Bytes(Png, "image/png") : Results.Redirect($"/chain/{n - 1}", preserveMethod: n % 2 == 0));
        _app.MapGet("/oversize-declared", async (HttpContext context) =>
        {
            context.Response.ContentType = "image/png";
            context.Response.ContentLength = OversizeBytes;
            await context.Response.Body.WriteAsync(Png, context.RequestAborted); // the headers go with the first bytes
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Hold(context);
        });
        _app.MapGet("/oversize-chunked", async (HttpContext context) =>
        {
            context.Response.ContentType = "image/png";
            var chunk = new byte[64 * 1024];
            Png.CopyTo(chunk, 0); // starts like an image, so only the size can refuse it
            try
            {
                for (var sent = 0; sent < OversizeBytes && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The fetcher hung up at its limit, as it should.
            }
        });
        _app.MapGet("/silent", async (HttpContext context) =>
        {
            _silentRequestArrived.TrySetResult();
            await Hold(context);
        });

        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(address).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_contentRoot, recursive: true);
    }

    /// <summary>Keeps the response open until the client goes away (or the server stops).</summary>
    private static async Task Hold(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client hung up.
        }
    }
}
