using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// Damaged model files (issue 25, item 7), with the built app in its own process and a models folder of its own (a
/// copy of the built one in a temp folder, <c>Models:Directory</c>): the built files themselves are never written.
/// </summary>
[Trait("Category", "External")] // Runs the built app as a child dotnet process: outside the fast loop.
public sealed class ModelFileTests : IDisposable
{
    private const string Served = "isnet-int8-1024.onnx";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private readonly string _models = Directory.CreateTempSubdirectory("fapihub-models-").FullName;

    public ModelFileTests()
    {
        var built = Path.Combine(ApiProcess.OutputFolder(), "models");
        Directory.CreateDirectory(Path.Combine(_models, "calibration"));
        foreach (var file in new[] { "manifest.json", "isnet-fp16.onnx", Served, "isnet-int8-672.onnx", "calibration/isnet-1024.json", "calibration/isnet-672.json" })
        {
            File.Copy(Path.Combine(built, file), Path.Combine(_models, file));
        }
    }

    public static TheoryData<string> Damages => ["truncated", "4 KB of random bytes inside", "empty"];

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task Start_WhenAServedGraphIsDamaged_ShouldDeriveItAgainAndServe(string damage)
    {
        Damage(Path.Combine(_models, Served), damage);

        await using var app = Start();
        using var client = await app.ClientAsync(Limit);
        client.DefaultRequestHeaders.Add("ApiKey", FapiHubFactory.ApiKey);

        using var served = await client.PostAsync("/v2/rembg/mask/", Http.Form(await File.ReadAllBytesAsync(Http.Fixture("coffee.png"))));
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var (bytes, sha256) = Pin(Served);
        Assert.Equal(bytes, new FileInfo(Path.Combine(_models, Served)).Length);
        Assert.Equal(sha256, Sha256(Path.Combine(_models, Served)));
        Assert.Contains($"{Served}: derived", app.Output, StringComparison.Ordinal);
        if (damage.StartsWith('4'))
        {
            Assert.Contains("SHA-256 mismatch", app.Output, StringComparison.Ordinal); // same size: only the digest can tell
        }
    }

    [Fact]
    public async Task Start_WhenTheDownloadAServedGraphIsDerivedFromIsDamaged_ShouldExitWith1NamingTheFileItsDigestsAndTheFix()
    {
        Damage(Path.Combine(_models, Served), "truncated");
        var weights = Path.Combine(_models, "isnet-fp16.onnx");
        Damage(weights, "4 KB of random bytes inside");

        await using var app = Start();
        var exitCode = await app.ExitCodeAsync(Limit);

        Assert.Equal(1, exitCode);
        Assert.Contains(weights, app.Output, StringComparison.Ordinal);
        Assert.Contains(Pin("isnet-fp16.onnx").Sha256, app.Output, StringComparison.Ordinal);
        Assert.Contains(Sha256(weights), app.Output, StringComparison.Ordinal);
        Assert.Contains("FapiHub.ModelBuilder.dll build --manifest", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WhenAModelOutsideTheManifestCannotBeLoaded_ShouldExitWith1InsteadOfStayingUnready()
    {
        await File.WriteAllBytesAsync(Path.Combine(_models, "mine.onnx"), RandomNumberGenerator.GetBytes(4096));

        await using var app = Start(("Models__Catalog__mine__File", "mine.onnx"));
        var exitCode = await app.ExitCodeAsync(Limit);

        Assert.Equal(1, exitCode);
        Assert.Contains("mine.onnx is not listed in models/manifest.json", app.Output, StringComparison.Ordinal);
        Assert.Contains("stopping with exit code 1", app.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_models, recursive: true);

    private ApiProcess Start(params (string Key, string Value)[] settings) =>
        ApiProcess.Start(null, [
            ("Models__Directory", _models),
            ("ApiKeys__Bootstrap__0__Key", FapiHubFactory.ApiKey),
            ("ApiKeys__Bootstrap__0__Plan", "pro"),
            .. settings]);

    /// <summary>Damages the temp copy (never a built file: those may be hard links into models/).</summary>
    private static void Damage(string path, string damage)
    {
        switch (damage)
        {
            case "truncated":
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
                {
                    stream.SetLength(stream.Length * 3 / 10);
                }

                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            default:
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
                {
                    stream.Position = stream.Length / 2; // inside the weights, which are most of the file
                    stream.Write(RandomNumberGenerator.GetBytes(4096));
                }

                break;
        }
    }

    private static (long Bytes, string Sha256) Pin(string file)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(ApiProcess.OutputFolder(), "models", "manifest.json")));
        var entry = manifest.RootElement.GetProperty("models").EnumerateArray()
            .Concat(manifest.RootElement.GetProperty("derived").EnumerateArray())
            .Single(e => e.GetProperty("file").GetString() == file);
        return (entry.GetProperty("bytes").GetInt64(), entry.GetProperty("sha256").GetString()!);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
