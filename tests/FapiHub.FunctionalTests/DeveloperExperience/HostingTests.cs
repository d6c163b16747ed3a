using System.Net;
using FapiHub.FunctionalTests.Reliability;
using Microsoft.AspNetCore.Hosting;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>What depends on how the app is configured and started: Swagger on or off, and the demo page from any content root
/// (the built app started from any folder is in <see cref="BuiltAppHostingTests"/>).</summary>
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
}
