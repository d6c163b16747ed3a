using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NSwag.CodeGeneration.CSharp;

namespace FapiHub.ContractTests;

/// <summary>
/// docs/openapi.json is the contract clients generate code from. It must be exactly what the server serves, be a
/// valid OpenAPI document, and produce a C# client that compiles.
/// </summary>
public sealed class OpenApiDocumentTests
{
    /// <summary>The one command that refreshes the committed document after an intended change.</summary>
    public const string RefreshCommand = "FAPIHUB_UPDATE_OPENAPI=1 dotnet test tests/FapiHub.ContractTests";

    private static readonly string CommittedPath = Path.Combine(RepositoryRoot(), "docs", "openapi.json");

    [Fact]
    public async Task Document_WhenServed_ShouldEqualTheCommittedDocsOpenApiJson()
    {
        var live = await ServedDocument();

        if (Environment.GetEnvironmentVariable("FAPIHUB_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(CommittedPath, live);
        }

        Assert.True(File.Exists(CommittedPath), $"docs/openapi.json is missing; create it with: {RefreshCommand}");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath));
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(live), committed),
            $"docs/openapi.json differs from the document the server serves at /swagger/v1/swagger.json. If the change is intended, refresh it with: {RefreshCommand}");
    }

    [Fact]
    public async Task Document_WhenRead_ShouldBeValidOpenApi()
    {
        await using var stream = File.OpenRead(CommittedPath);

        var result = await Microsoft.OpenApi.OpenApiDocument.LoadAsync(stream, "json");

        Assert.Empty(result.Diagnostic?.Errors ?? []);
        Assert.NotNull(result.Document);
        Assert.True(result.Document.Paths.Count >= 10);
    }

    [Fact]
    public async Task Document_WhenListingTheImagePaths_ShouldUseFapiHubsTrailingSlashFormOnly()
    {
        var paths = JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath))!["paths"]!.AsObject().Select(p => p.Key).ToList();

        // FapiHub documents https://fapihub.com/v2/rembg/ (with the slash); the server also answers without it (RouteTests).
        string[] expected = ["/v2/rembg/", "/v2/rembg/mask/", "/v2/rembg/blur/", "/v2/rembg/color/", "/v2/rembg/gradient/", "/v2/rembg/shadow/"];
        Assert.Equal(expected, paths.Where(p => p.StartsWith("/v2/rembg", StringComparison.Ordinal)));
        Assert.All(paths.Where(p => !p.StartsWith("/v2/rembg", StringComparison.Ordinal)), p => Assert.False(p.EndsWith('/'), $"{p} should not end with a slash"));
    }

    [Fact]
    public async Task Document_WhenRead_ShouldNameARelativeServerForTheServingInstance()
    {
        var servers = JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath))!["servers"]!.AsArray();

        var server = Assert.Single(servers);
        Assert.Equal("/", server!["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task GeneratedClient_WhenBuiltFromTheDocument_ShouldCompile()
    {
        var document = await NSwag.OpenApiDocument.FromFileAsync(CommittedPath);
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "FapiHubClient",
            OperationNameGenerator = new NSwag.CodeGeneration.OperationNameGenerators.SingleClientFromOperationIdOperationNameGenerator(),
            CSharpGeneratorSettings = { Namespace = "Generated.FapiHub", JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson },
        };
        var code = new CSharpClientGenerator(document, settings).GenerateFile();

        var compilation = CSharpCompilation.Create(
            "FapiHubGeneratedClient",
            [CSharpSyntaxTree.ParseText(code)],
            PlatformReferences(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var output = new MemoryStream();
        var emitted = compilation.Emit(output);

        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success, string.Join(Environment.NewLine, errors.Take(20)));
        foreach (var operation in new[] { "RemoveBackgroundAsync", "MaskAsync", "BlurAsync", "ColorAsync", "GradientAsync", "ShadowAsync", "GetUsageAsync", "CreateApiKeyAsync" })
        {
            Assert.Contains(operation, code, StringComparison.Ordinal); // every operation became a method
        }
    }

    private static async Task<string> ServedDocument()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureTestServices(services =>
            {
                // The document needs no model: do not spend CPU loading ONNX sessions.
                services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "ModelLoaderService"));
            });
        });
        using var client = factory.CreateClient();
        return await client.GetStringAsync("/swagger/v1/swagger.json");
    }

    private static IEnumerable<MetadataReference> PlatformReferences() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Select(path => MetadataReference.CreateFromFile(path));

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(Path.GetDirectoryName(Assembly.GetExecutingAssembly().Location)!);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FapiHub.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FapiHub.sln not found above the test binaries.");
    }
}
