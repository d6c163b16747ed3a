using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using FapiHub.FunctionalTests.Accounts;
using FapiHub.Tests.Shared;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>Hostile traffic over HTTP, secrets in logs, metrics, and the response hygiene headers.</summary>
public sealed class ObservabilityAndFuzzTests : ReliabilityHostTests
{
    private static readonly byte[] Png = TestImages.Encode(24, 16, (_, y) => y < 8 ? SKColors.Navy : SKColors.Salmon);

    [Fact]
    public async Task Post_WhenFedTwoHundredMutatedUploads_ShouldNeverAnswer5xxAndStillServeAfterwards()
    {
        var host = Host();
        using var client = await PayingClient(host);
        var statuses = new List<HttpStatusCode>();

        foreach (var upload in Mutations.Generate(200, seed: 7))
        {
            using var response = await client.PostAsync("/v2/rembg/mask/", Http.Form(upload, "fuzz.bin", mediaType: "application/octet-stream"));
            statuses.Add(response.StatusCode);
        }

        using var valid = await client.PostAsync("/v2/rembg/", Http.Form(Png));

        Assert.DoesNotContain(statuses, s => (int)s >= 500);
        Assert.Contains(HttpStatusCode.BadRequest, statuses);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [Fact]
    public async Task PostShadow_WhenFedThinLongImagesWithHugeOffsetsBlursAndCropMargins_ShouldAnswer200OrA4xxEnvelopeAndChargeOnlyThe200s()
    {
        const long MaxPixels = 1_500_000; // admits the 4 × 300,000 strip as an upload, not the canvas its shadow asks for
        var host = Host(("Limits:MaxPixels", "1500000"));
        using var client = await PayingClient(host);
        var statuses = new List<HttpStatusCode>();

        foreach (var c in Mutations.OutputSizeCases(40, seed: 13))
        {
            using var form = Http.Form(c.Image, "strip.png").With(
                ("offset_x", c.OffsetX.ToString(CultureInfo.InvariantCulture)),
                ("offset_y", c.OffsetY.ToString(CultureInfo.InvariantCulture)),
                ("blur_radius", c.BlurRadius.ToString(CultureInfo.InvariantCulture)),
                ("crop", c.Crop ? "true" : "false"),
                ("crop_margin", c.CropMargin.ToString(CultureInfo.InvariantCulture)));
            using var response = await client.PostAsync("/v2/rembg/shadow/", form);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var (width, height, _, _) = TestImages.PngHeader(await response.Content.ReadAsByteArrayAsync());
                Assert.True((long)width * height <= MaxPixels, $"{c}: served {width}x{height}");
            }
            else
            {
                // A client error in the envelope, whatever the combination: never a 5xx, never an empty body.
                Assert.True((int)response.StatusCode is >= 400 and < 500, $"{c}: answered {(int)response.StatusCode}");
                await Http.AssertEnvelope(response, response.StatusCode, await ClientErrorCode(response));
            }
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.BadRequest, statuses);
        Assert.Equal(StartingCredits - statuses.Count(s => s == HttpStatusCode.OK), await Credits(client));
    }

    /// <summary>The envelope's code, which must be one a bad shadow request can earn: the fields' range or the output size.</summary>
    private static async Task<string> ClientErrorCode(HttpResponseMessage response)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var code = json.RootElement.GetProperty("error").GetProperty("code").GetString()!;
        Assert.Contains(code, new[] { "image_too_large", "invalid_request" });
        return code;
    }

    [Fact]
    public async Task Logs_WhenKeysAndImagesPassThrough_ShouldNeverContainAKeyOrImageBytes()
    {
        var lines = new ConcurrentQueue<string>();
        var host = Host(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(lines)));
        var (_, key) = await host.CreateKeyAsync("payg", 5);
        const string WrongKey = "fh_live_WrongKeyThatLooksRight000000000000";
        var secretPayload = "SECRET-IMAGE-PAYLOAD-0123456789"u8.ToArray();

        using (var client = host.Client(key))
        {
            (await client.PostAsync("/v2/rembg/", Http.Form(Png))).Dispose();
            (await client.PostAsync("/v2/rembg/", Http.Form(secretPayload, "secret.png"))).Dispose();
            (await client.PostAsync("/v2/rembg/", Http.Form(TestImages.Encode(AccountsHost.FailingWidth, 4, (_, _) => SKColors.Red)))).Dispose();
            (await client.GetAsync("/v2/usage")).Dispose();
        }

        using (var wrong = host.Client(WrongKey))
        {
            (await wrong.PostAsync("/v2/rembg/", Http.Form(Png))).Dispose();
        }

        using (var badAdmin = host.AdminClient("admin-key-guess"))
        {
            (await badAdmin.GetAsync("/v2/admin/keys")).Dispose();
        }

        Assert.NotEmpty(lines);
        Assert.Contains(lines, line => line.Contains("req_", StringComparison.Ordinal)); // request ids do reach the logs
        foreach (var secret in new[] { key, WrongKey, AccountsHost.AdminKey, "admin-key-guess", "SECRET-IMAGE-PAYLOAD" })
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Responses_WhenAnyAnswerIsSent_ShouldCarryNosniffAndNoCorsUnlessConfigured()
    {
        var closed = Host();
        var open = Host(("Cors:AllowedOrigins:0", "https://app.example.com"));
        using var closedClient = closed.Client();
        using var openClient = open.Client();

        using var notFound = await closedClient.GetAsync("/nothing");
        using var closedPreflight = await closedClient.SendAsync(Preflight());
        using var openPreflight = await openClient.SendAsync(Preflight());

        Assert.Equal("nosniff", Assert.Single(notFound.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(notFound.Headers.Contains("Server"));
        Assert.False(closedPreflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal("https://app.example.com", Assert.Single(openPreflight.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    private static HttpRequestMessage Preflight() => new(HttpMethod.Options, "/v2/rembg/")
    {
        Headers =
        {
            { "Origin", "https://app.example.com" },
            { "Access-Control-Request-Method", "POST" },
            { "Access-Control-Request-Headers", "ApiKey" },
        },
    };


    /// <summary>Keeps every log line, its scopes and any exception text, as a log shipper would see them.</summary>
    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, lines, () => _scopes);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Capturing(string category, ConcurrentQueue<string> lines, Func<IExternalScopeProvider> scopes) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => scopes().Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)} {exception}");
                scopes().ForEachScope((scope, builder) => builder.Append(" | ").Append(Describe(scope)), line);
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (k, v) in values)
                    {
                        line.Append(" | ").Append(k).Append('=').Append(v);
                    }
                }

                lines.Enqueue(line.ToString());
            }

            private static string Describe(object? scope) =>
                scope is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
                    : scope is IEnumerable<KeyValuePair<string, object>> objects
                        ? string.Join(", ", objects.Select(p => $"{p.Key}={p.Value}"))
                        : scope?.ToString() ?? string.Empty;
        }
    }
}
