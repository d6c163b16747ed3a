using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using FapiHub.FunctionalTests.Reliability;
using Microsoft.AspNetCore.Hosting;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>What depends on how the app is configured and started: Swagger on or off, and the demo page from any folder.</summary>
public sealed partial class HostingTests : ReliabilityHostTests
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
    /// its output folder, and from another working directory. No model is loaded (placeholder files, so the start-up
    /// check passes and loading fails at once): the page does not need them.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DemoPage_WhenTheBuiltAppIsStartedFromAnyFolder_ShouldBeServed(bool fromTheOutputFolder)
    {
        var output = ApiOutputFolder();
        var elsewhere = Directory.CreateTempSubdirectory("fapihub-cwd-").FullName;
        Directory.CreateDirectory(Path.Combine(elsewhere, "calibration"));
        foreach (var model in new[] { "isnet-fp16.onnx", "isnet-int8-1024.onnx", "isnet-int8-768.onnx", "calibration/isnet-1024.json", "calibration/isnet-768.json" })
        {
            await File.WriteAllBytesAsync(Path.Combine(elsewhere, model), []);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = fromTheOutputFolder ? output : elsewhere,
        };
        start.ArgumentList.Add(Path.Combine(output, "FapiHub.Api.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Models__Directory"] = elsewhere;
        start.Environment["Inference__WarmUp"] = "false";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var baseUrl = await ListeningAddress(process.StandardOutput, TimeSpan.FromSeconds(60));
            using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };

            using var page = await client.GetAsync("/");

            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        catch (TimeoutException ex)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{ex.Message}; stderr: {await stderr}", ex);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    /// <summary>src/Api's own build output for this configuration (Debug or Release, as the tests were built).</summary>
    private static string ApiOutputFolder()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // …/bin/Debug/net10.0
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "FapiHub.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var output = Path.Combine(root.FullName, "src", "Api", "bin", configuration, framework);
        Assert.True(File.Exists(Path.Combine(output, "FapiHub.Api.dll")), $"build src/Api first: no {output}/FapiHub.Api.dll");
        return output;
    }

    /// <summary>The address from Kestrel's "Now listening on: http://127.0.0.1:port" line.</summary>
    private static async Task<string> ListeningAddress(StreamReader stdout, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            while (await stdout.ReadLineAsync(timeout.Token) is { } line)
            {
                if (ListeningLine().Match(line) is { Success: true } match)
                {
                    _ = stdout.ReadToEndAsync(CancellationToken.None); // keep draining, so the app never blocks on a full pipe
                    return match.Groups[1].Value;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"the app did not report its address within {limit.TotalSeconds} s");
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
