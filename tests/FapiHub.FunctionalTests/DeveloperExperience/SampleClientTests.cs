using FapiHub.Tests.Shared;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>
/// The client samples in <c>samples/</c>, run exactly as a user runs them (curl, Debian's python3 with requests,
/// Node's built-in fetch, and the TypeScript client generated from docs/openapi.json) against a real Kestrel server,
/// so a sample that drifts from the API, or a document that no longer types the real calls, fails the build.
/// </summary>
[Trait("Category", "External")] // Runs the samples with curl, python3 and node (after npm ci): outside the fast loop.
public sealed class SampleClientTests : IClassFixture<KestrelServer>, IClassFixture<TypeScriptSampleBuild>
{
    private const string Photo = "chelsea.png"; // 451×300 RGB

    private readonly KestrelServer _server;

    // The build fixture is only needed for having run (it compiles samples/typescript before any test here).
    public SampleClientTests(KestrelServer server, TypeScriptSampleBuild typeScript)
    {
        _server = server;
        _ = typeScript;
    }

    public static TheoryData<string> Samples => ["curl", "python", "javascript", "typescript"];

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_WhenGivenAValidKeyAndAPhoto_ShouldWriteATransparentPngAndPrintTheHeaders(string sample)
    {
        var (_, key) = await _server.Host.CreateKeyAsync("payg", 5);
        var output = Path.Combine(_server.WorkDirectory, $"{sample}-result.png");

        var run = await SampleRunner.RunAsync(sample, _server.BaseUrl, key, Http.Fixture(Photo), output);

        Assert.True(run.ExitCode == 0, run.Describe());
        var png = await File.ReadAllBytesAsync(output);
        Assert.Equal((451, 300, 8, 6), TestImages.PngHeader(png)); // 8-bit RGBA (colour type 6), the input's size
        Assert.Matches(@"X-Request-Id: req_\w+", run.StandardOutput);
        Assert.Contains("X-Credits-Remaining: 4", run.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_WhenTheKeyIsWrong_ShouldPrintTheEnvelopeCodeAndMessageAndExitNonZero(string sample)
    {
        const string wrongKey = "fh_live_ThisKeyDoesNotExist00000000000000000";
        var expected = await _server.UnauthorizedMessageAsync(wrongKey);
        var output = Path.Combine(_server.WorkDirectory, $"{sample}-refused.png");

        var run = await SampleRunner.RunAsync(sample, _server.BaseUrl, wrongKey, Http.Fixture(Photo), output);

        Assert.True(run.ExitCode != 0, run.Describe());
        Assert.Contains("401 invalid_api_key", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(expected, run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(output), "a refused call must not leave a result file behind");
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_WhenCreditsAreUsedUp_ShouldPrintInsufficientCreditsAndExitNonZero(string sample)
    {
        var (_, key) = await _server.Host.CreateKeyAsync("payg", 0);
        var output = Path.Combine(_server.WorkDirectory, $"{sample}-unpaid.png");

        var run = await SampleRunner.RunAsync(sample, _server.BaseUrl, key, Http.Fixture(Photo), output);

        Assert.True(run.ExitCode != 0, run.Describe());
        Assert.Contains("402 insufficient_credits", run.StandardError, StringComparison.Ordinal);
    }
    [Fact]
    public async Task TypeScriptSample_WhenTheCallSucceeds_ShouldPrintTheKeysUsageFromGetV2Usage()
    {
        var (_, key) = await _server.Host.CreateKeyAsync("payg", 3);
        var output = Path.Combine(_server.WorkDirectory, "typescript-usage.png");

        var run = await SampleRunner.RunAsync("typescript", _server.BaseUrl, key, Http.Fixture(Photo), output);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains("Plan: payg, used 1 this month (pay-per-use), credits: 2", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypeScriptSample_WhenACallIsNotInTheDocument_ShouldNotCompile()
    {
        // The generated types are what makes the client safe: a path without the documented trailing slash, a model
        // not in the catalogue's enum, a form without its photo, or no form at all must be compile errors, not runtime
        // surprises. (An extra, undocumented field is not one: openapi-fetch's body type does not check excess properties.)
        var probe = Path.Combine(TypeScriptSampleBuild.Folder, "src", "probe-not-in-document.ts");
        await File.WriteAllTextAsync(probe, """
            import createClient from "openapi-fetch";
            import type { paths } from "./generated/fapihub.js";
            const client = createClient<paths>({ baseUrl: "http://localhost:5080" });
            await client.POST("/v2/rembg", { body: { image: new Blob([]) } });
            await client.POST("/v2/rembg/", { body: { image: new Blob([]), model: "no-such-model" } });
            await client.POST("/v2/rembg/", { body: {} });
            await client.POST("/v2/rembg/", {});
            """);
        try
        {
            var check = await NodeTools.RunAsync("node", ["node_modules/typescript/bin/tsc", "--noEmit"], TypeScriptSampleBuild.Folder, limit: TimeSpan.FromMinutes(3));

            Assert.True(check.ExitCode != 0, check.Describe());
            Assert.Contains("probe-not-in-document.ts(4,", check.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("probe-not-in-document.ts(5,", check.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("probe-not-in-document.ts(6,", check.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("probe-not-in-document.ts(7,", check.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
