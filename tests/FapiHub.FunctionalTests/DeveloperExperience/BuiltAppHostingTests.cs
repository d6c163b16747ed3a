using System.Net;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>The demo page served by the built app, started as a separate process (apart from <see cref="HostingTests"/>, which run in-process).</summary>
[Trait("Category", "External")] // Runs the built app as a child dotnet process: outside the fast loop.
public sealed class BuiltAppHostingTests
{
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
        foreach (var file in new[] { "manifest.json", "isnet-fp16.onnx", "isnet-int8-1024.onnx", "isnet-int8-672.onnx", "calibration/isnet-1024.json", "calibration/isnet-672.json" })
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
