using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FapiHub.FunctionalTests.Reliability;
using FapiHub.Tests.Shared;

namespace FapiHub.FunctionalTests.RemoveBg;

/// <summary>
/// remove.bg clients nobody here wrote, against the built app in its own process: the npm SDK <c>remove.bg</c> 1.3.0
/// (pinned by Sdk/package-lock.json; only its hard-coded endpoint is changed, in a copy) and curl. The image URLs are
/// served by a loopback server that only this test's configuration allows (<c>ImageUrl:AllowedHosts</c>).
/// </summary>
[Trait("Category", "External")] // Runs the built app as a child dotnet process, node and curl: outside the fast loop.
public sealed class RemoveBgSdkTests : IAsyncLifetime
{
    private const string Key = "fh_live_RemoveBgSdkTestKey00000000000000000";
    private const string SlowKey = "fh_live_RemoveBgSdkOneAMinute0000000000000";
    private const string EmptyKey = "fh_live_RemoveBgSdkNoCredits00000000000000";

    private readonly ImageUrlServer _images = new();
    private readonly string _work = Directory.CreateTempSubdirectory("fapihub-removebg-sdk-").FullName;
    private ApiProcess? _api;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        await _images.InitializeAsync();
        _api = ApiProcess.Start(
            null,
            ("ApiKeys__Bootstrap__0__Key", Key),
            ("ApiKeys__Bootstrap__0__Plan", "pro"),
            ("ApiKeys__Bootstrap__1__Key", SlowKey),
            ("ApiKeys__Bootstrap__1__Plan", "oneaminute"),
            ("ApiKeys__Bootstrap__2__Key", EmptyKey),
            ("ApiKeys__Bootstrap__2__Plan", "payg"),
            ("Plans__oneaminute__MonthlyQuota", "100"),
            ("Plans__oneaminute__PerMinute", "1"),
            ("ImageUrl__AllowedHosts__0", "127.0.0.1"),
            ("ImageUrl__TimeoutSeconds", "2"));
        _client = await _api.ClientAsync(TimeSpan.FromMinutes(2));
        _client.DefaultRequestHeaders.Add("X-Api-Key", Key);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        await _images.DisposeAsync();
        Directory.Delete(_work, recursive: true);
        foreach (var file in _cleanup)
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RemoveBgSdk_WhenPointedAtFapiHub_ShouldRemoveBackgroundsFromFileBase64AndUrl()
    {
        var sdk = await PatchedSdk();
        var photo = Http.Fixture("coffee.png");
        var script = Path.Combine(_work, "calls.js");
        await File.WriteAllTextAsync(script, $$"""
            const rb = require({{JsonSerializer.Serialize(sdk)}});
            const fs = require('fs');
            const key = {{JsonSerializer.Serialize(Key)}};
            const photo = {{JsonSerializer.Serialize(photo)}};
            const report = (name, promise) => promise.then(
              r => console.log(JSON.stringify({ name, ok: true, credits: r.creditsCharged, width: r.resultWidth, height: r.resultHeight, type: r.detectedType, png: r.base64img.startsWith('iVBOR') })),
              e => console.log(JSON.stringify({ name, ok: false, errors: e })));
            (async () => {
              await report('file', rb.removeBackgroundFromImageFile({ path: photo, apiKey: key, size: 'regular', crop: true, bg_color: '81d4fa77', channels: 'rgba' }));
              await report('base64', rb.removeBackgroundFromImageBase64({ base64img: fs.readFileSync(photo).toString('base64'), apiKey: key, size: 'full', type: 'person', channels: 'alpha' }));
              await report('url', rb.removeBackgroundFromImageUrl({ url: {{JsonSerializer.Serialize(_images.Url("/fixtures/coffee.png"))}}, apiKey: key, size: 'medium', type: 'car' }));
              await report('bad key', rb.removeBackgroundFromImageFile({ path: photo, apiKey: 'not-a-key' }));
              await report('bad size', rb.removeBackgroundFromImageFile({ path: photo, apiKey: key, size: 'gigantic' }));
              await report('slow 1', rb.removeBackgroundFromImageUrl({ url: {{JsonSerializer.Serialize(_images.Url("/fixtures/chelsea.png"))}}, apiKey: {{JsonSerializer.Serialize(SlowKey)}} }));
              await report('slow 2', rb.removeBackgroundFromImageUrl({ url: {{JsonSerializer.Serialize(_images.Url("/fixtures/chelsea.png"))}}, apiKey: {{JsonSerializer.Serialize(SlowKey)}} }));
            })();
            """);
        var before = await CreditsTotal();

        var run = await NodeTools.RunAsync("node", [script], _work, limit: TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == 0, run.Describe());
        var results = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(r => r.GetProperty("name").GetString()!);
        foreach (var name in new[] { "file", "base64", "url", "slow 1" })
        {
            Assert.True(results[name].GetProperty("ok").GetBoolean(), $"{name}: {results[name]}");
            Assert.Equal("1", results[name].GetProperty("credits").GetString()); // headers reach the SDK as strings
            Assert.True(results[name].GetProperty("png").GetBoolean(), name);
        }

        // file: cropped to the subject; base64: the full-size matte; URL: medium stays at 600 x 400 (0.24 MP < 1.5 MP).
        Assert.InRange(int.Parse(results["file"].GetProperty("width").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 50, 599);
        Assert.Equal(("600", "400"), (results["base64"].GetProperty("width").GetString(), results["base64"].GetProperty("height").GetString()));
        Assert.Equal("600", results["url"].GetProperty("width").GetString());
        Assert.Equal(("other", "person", "car"), (results["file"].GetProperty("type").GetString(), results["base64"].GetProperty("type").GetString(), results["url"].GetProperty("type").GetString()));
        Assert.Equal("auth_failed", results["bad key"].GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("invalid_size", results["bad size"].GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("rate_limit_exceeded", results["slow 2"].GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal(before - 3, await CreditsTotal()); // file, base64 and url; nothing for the refusals
    }

    [Fact]
    public async Task Curl_WhenEveryBodyEncodingAndUrlFailureIsSent_ShouldAnswerRemoveBgsCodesAndChargeNothingForFailures()
    {
        var photo = Http.Fixture("coffee.png");
        var before = await CreditsTotal();

        var png = await Curl("-F", $"image_file=@{photo}", "-F", "format=png", "-F", "crop=true");
        var zip = await Curl("--data-urlencode", $"image_file_b64@{await Base64File(photo)}", "--data-urlencode", "format=zip");
        var json = await Curl("-H", "Content-Type: application/json", "-H", "Accept: application/json", "--data", JsonSerializer.Serialize(new { image_url = _images.Url("/fixtures/coffee.png"), format = "jpg", bg_color = "tomato" }));
        var timeout = await Curl("-F", $"image_url={_images.Url("/silent")}");
        var oversize = await Curl("--data-urlencode", $"image_url={_images.Url("/oversize-chunked")}");
        var metadata = await Curl("-F", "image_url=http://169.254.169.254/latest/meta-data/");
        var loopbackByName = await Curl("-F", $"image_url=http://localhost:{_images.Port}/fixtures/coffee.png"); // only 127.0.0.1 is allowed, as written
        var redirectToMetadata = await Curl("-F", $"image_url={_images.Url("/redirect?to=http://169.254.169.254/")}");
        var badBackgroundUrl = await Curl("-F", $"image_file=@{photo}", "-F", $"bg_image_url={_images.Url("/page")}");
        var noCredits = await Curl("-H", $"X-Api-Key: {EmptyKey}", "-F", $"image_file=@{photo}");

        Assert.Equal((200, "image/png"), (png.Status, png.ContentType));
        Assert.Equal((200, "application/zip"), (zip.Status, zip.ContentType));
        Assert.Equal(200, json.Status);
        Assert.StartsWith("/9j/", JsonDocument.Parse(json.Body).RootElement.GetProperty("data").GetProperty("result_b64").GetString(), StringComparison.Ordinal); // a JPEG
        Assert.Equal((400, "failed_image_download"), (timeout.Status, timeout.Code));
        Assert.Equal((400, "file_too_large"), (oversize.Status, oversize.Code));
        Assert.Equal((400, "invalid_image_url"), (metadata.Status, metadata.Code));
        Assert.Equal((400, "invalid_image_url"), (loopbackByName.Status, loopbackByName.Code));
        Assert.Equal((400, "invalid_image_url"), (redirectToMetadata.Status, redirectToMetadata.Code));
        Assert.Equal((400, "failed_bg_download"), (badBackgroundUrl.Status, badBackgroundUrl.Code));
        Assert.Equal((402, "insufficient_credits"), (noCredits.Status, noCredits.Code));
        Assert.Equal(before - 3, await CreditsTotal()); // the three images; none of the failures
    }

    private async Task<double> CreditsTotal()
    {
        using var response = await _client!.GetAsync("/v1.0/account");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("data").GetProperty("attributes").GetProperty("credits").GetProperty("total").GetDouble();
    }

    /// <summary>The SDK installed from its lock file, and a copy of its code whose only change is the endpoint constant.</summary>
    private async Task<string> PatchedSdk()
    {
        var folder = Path.Combine(NodeTools.RepositoryRoot(), "tests", "FapiHub.FunctionalTests", "RemoveBg", "Sdk");
        await NodeTools.InstallAsync(folder);
        var original = await File.ReadAllTextAsync(Path.Combine(folder, "node_modules", "remove.bg", "dist", "index.js"));
        const string Endpoint = "\"https://api.remove.bg/v1.0/removebg\"";
        Assert.Contains(Endpoint, original, StringComparison.Ordinal);
        var patched = Path.Combine(folder, "node_modules", "remove.bg", "dist", $"fapihub-{Guid.NewGuid():N}.js");
        await File.WriteAllTextAsync(patched, original.Replace(Endpoint, JsonSerializer.Serialize(_client!.BaseAddress + "v1.0/removebg"), StringComparison.Ordinal));
        _cleanup.Add(patched);
        return patched;
    }

    private readonly List<string> _cleanup = [];

    private async Task<string> Base64File(string photo)
    {
        var path = Path.Combine(_work, Guid.NewGuid().ToString("N") + ".b64");
        await File.WriteAllTextAsync(path, Convert.ToBase64String(await File.ReadAllBytesAsync(photo)));
        return path;
    }

    private sealed record CurlAnswer(int Status, string ContentType, string Body, string? Code);

    /// <summary>curl POSTs to /v1.0/removebg with the test key (unless the arguments bring another).</summary>
    private async Task<CurlAnswer> Curl(params string[] arguments)
    {
        var body = Path.Combine(_work, Guid.NewGuid().ToString("N"));
        string[] keyHeader = arguments.Any(a => a.StartsWith("X-Api-Key", StringComparison.Ordinal)) ? [] : ["-H", $"X-Api-Key: {Key}"];
        var run = await NodeTools.RunAsync(
            "curl",
            ["-s", "-o", body, "-w", "%{http_code} %{content_type}", .. keyHeader, .. arguments, _client!.BaseAddress + "v1.0/removebg"],
            _work,
            limit: TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.Describe());
        var parts = run.StandardOutput.Split(' ', 2);
        var contentType = parts.Length > 1 ? parts[1].Split(';')[0] : string.Empty;
        var text = contentType == "application/json" ? await File.ReadAllTextAsync(body) : string.Empty;
        string? code = null;
        if (text.StartsWith("{\"errors\"", StringComparison.Ordinal))
        {
            code = JsonDocument.Parse(text).RootElement.GetProperty("errors")[0].GetProperty("code").GetString();
        }

        return new CurlAnswer(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), contentType, text, code);
    }
}
