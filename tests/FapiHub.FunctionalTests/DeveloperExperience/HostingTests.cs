using System.Net;
using FapiHub.FunctionalTests.Reliability;
using Microsoft.AspNetCore.Hosting;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>What depends on how the app is configured and started: Swagger on or off, and the demo page from any folder.</summary>
public sealed class HostingTests : ReliabilityHostTests
{
    [Theory]
    [InlineData("/swagger")]
    [InlineData("/swagger/index.html")]
    [InlineData("/swagger/v1/swagger.json")]
    public async Task Swagger_WhenDisabled_ShouldBe404InTheEnvelope(string path)
    {
        using var client = Host(("Swagger:Enabled", "false")).Client();

        using var response = await client.GetAsync(path);

        await Http.AssertEnvelope(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Swagger_WhenNotConfigured_ShouldServeTheDocumentAndTheUi()
    {
        using var client = Host().Client();

        using var document = await client.GetAsync("/swagger/v1/swagger.json");
        using var ui = await client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Contains("\"openapi\"", await document.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Fact]
    public async Task DemoPage_WhenTheContentRootHasNoWwwroot_ShouldBeServedFromBesideTheApp()
    {
        // A deployment folder with its own settings but no copy of the page.
        var empty = Directory.CreateTempSubdirectory("fapihub-content-root-").FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Path.Combine(empty, "appsettings.json"));
        try
        {
            await using var host = Host().WithWebHostBuilder(builder => builder.UseContentRoot(empty));
            using var client = host.CreateClient();

            using var page = await client.GetAsync("/");
            using var script = await client.GetAsync("/app.js");

            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    /// <summary>
    /// The built app as an operator runs it (docs/performance.md): <c>dotnet FapiHub.Api.dll</c> in Production, from
    /// its output folder, and from another working directory, with its models in a third folder (links to the built
    /// ones: they are read, never written, and the manifest check passes).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DemoPage_WhenTheBuiltAppIsStartedFromAnyFolder_ShouldBeServed(bool fromTheOutputFolder)
    {
        var output = ApiProcess.OutputFolder();
        var elsewhere = Directory.CreateTempSubdirectory("fapihub-cwd-").FullName;
        Directory.CreateDirectory(Path.Combine(elsewhere, "calibration"));
        foreach (var file in new[] { "manifest.json", "isnet-fp16.onnx", "isnet-int8-1024.onnx", "isnet-int8-768.onnx", "calibration/isnet-1024.json", "calibration/isnet-768.json" })
        {
            File.CreateSymbolicLink(Path.Combine(elsewhere, file), Path.Combine(output, "models", file));
        }

        try
        {
            await using var app = ApiProcess.Start(fromTheOutputFolder ? output : elsewhere, ("Models__Directory", elsewhere));
            using var client = await app.ClientAsync(TimeSpan.FromSeconds(60));

            using var page = await client.GetAsync("/");

            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
