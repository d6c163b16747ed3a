using System.Text.Json;
using FapiHub.ModelBuilder.Graphs;
using Google.Protobuf;

namespace FapiHub.ModelBuilder.Tests;

/// <summary>The build run without npm: the "downloaded" model is already in place, so only verifying and deriving
/// happen, which is also what a warm build or a manifest edit does.</summary>
public sealed class ModelPipelineTests
{
    [Fact]
    public void Run_WhenADerivedEntryIsNotPinned_ShouldBuildItAndPrintTheValuesToPin()
    {
        using var dir = new TempDirectory();
        var manifest = WriteManifest(dir.Path, derivedBytes: null, derivedSha: null);
        var log = new List<string>();

        new ModelPipeline(manifest, dir.Path, log.Add).Run(new PipelineOptions());

        var file = Path.Combine(dir.Path, "tiny-fp32-64.onnx");
        Assert.True(File.Exists(file));
        var pin = $"  tiny-fp32-64: \"bytes\": {new FileInfo(file).Length}, \"sha256\": \"{FileCheck.Sha256(file)}\"";
        Assert.Contains(pin, log);
        Assert.Contains(log, l => l.Contains("is not pinned in manifest.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_WhenPinned_ShouldDeriveTheSameBytesAndThenOnlyVerify()
    {
        using var dir = new TempDirectory();
        new ModelPipeline(WriteManifest(dir.Path, null, null), dir.Path, _ => { }).Run(new PipelineOptions());
        var file = Path.Combine(dir.Path, "tiny-fp32-64.onnx");
        var (bytes, sha) = (new FileInfo(file).Length, FileCheck.Sha256(file));
        File.Delete(file);
        var pinned = WriteManifest(dir.Path, bytes, sha);
        var log = new List<string>();

        new ModelPipeline(pinned, dir.Path, log.Add).Run(new PipelineOptions());
        new ModelPipeline(pinned, dir.Path, log.Add).Run(new PipelineOptions());

        Assert.Equal(sha, FileCheck.Sha256(file));
        Assert.Contains(log, l => l.StartsWith("tiny-fp32-64.onnx: derived", StringComparison.Ordinal));
        Assert.Equal("2 model files verified", string.Join(' ', log[^1].Split(' ')[..4]));
        Assert.DoesNotContain(log, l => l.Contains("not pinned", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_WhenTheDerivedBytesDifferFromThePin_ShouldFailAndKeepTheFileOut()
    {
        using var dir = new TempDirectory();
        var wrong = new string('a', 64);
        var manifest = WriteManifest(dir.Path, 1234, wrong);

        var error = Assert.Throws<ModelBuilderException>(() => new ModelPipeline(manifest, dir.Path, _ => { }).Run(new PipelineOptions()));

        Assert.Equal(ErrorCodes.Mismatch, error.Code);
        Assert.Contains($"manifest.json pins 1234 bytes, SHA-256 {wrong}", error.Message, StringComparison.Ordinal);
        Assert.Contains("--print-pins", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "tiny-fp32-64.onnx")));
    }

    [Fact]
    public void Run_WhenVerifyOnlyFindsAMissingFile_ShouldFailWithFhm004()
    {
        using var dir = new TempDirectory();
        var manifest = WriteManifest(dir.Path, null, null);

        var error = Assert.Throws<ModelBuilderException>(() => new ModelPipeline(manifest, dir.Path, _ => { }).Run(new PipelineOptions(VerifyOnly: true)));

        Assert.Equal(ErrorCodes.Verify, error.Code);
        Assert.Contains("tiny-fp32-64.onnx: missing", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("random bytes inside")]
    [InlineData("empty")]
    public void EnsureIntact_WhenAServedDerivedGraphIsDamaged_ShouldDeriveItAgainFromItsVerifiedSource(string damage)
    {
        using var dir = new TempDirectory();
        var manifest = PinnedManifest(dir.Path);
        var file = Path.Combine(dir.Path, "tiny-fp32-64.onnx");
        var sha = FileCheck.Sha256(file);
        Damage(file, damage);
        var log = new List<string>();

        var notListed = ServedModelFiles.EnsureIntact(manifest, ["tiny-fp32-64.onnx"], log.Add);

        Assert.Empty(notListed);
        Assert.Equal(sha, FileCheck.Sha256(file));
        Assert.Contains(log, l => l.StartsWith("tiny-fp32-64.onnx: derived", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("tiny-fp32-64.onnx: ", StringComparison.Ordinal)
            && l.Contains(damage == "random bytes inside" ? "SHA-256 mismatch" : "bytes, expected", StringComparison.Ordinal));
    }

    [Fact]
    public void EnsureIntact_WhenEveryServedFileMatches_ShouldOnlyVerifyAndLeaveTheFilesAlone()
    {
        using var dir = new TempDirectory();
        var manifest = PinnedManifest(dir.Path);
        var file = Path.Combine(dir.Path, "tiny-fp32-64.onnx");
        var written = File.GetLastWriteTimeUtc(file).AddMinutes(-5);
        File.SetLastWriteTimeUtc(file, written);
        var log = new List<string>();

        var notListed = ServedModelFiles.EnsureIntact(manifest, ["tiny-fp32-64.onnx", "mine.onnx"], log.Add);

        Assert.Equal(["mine.onnx"], notListed); // not in the manifest: nothing to check it against
        Assert.Equal(written, File.GetLastWriteTimeUtc(file)); // a server does not touch: bin/ may link into models/
        Assert.DoesNotContain(log, l => l.Contains("derived", StringComparison.Ordinal));
        Assert.StartsWith("1 model files verified", log[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureIntact_WhenTheDownloadADamagedGraphComesFromIsDamaged_ShouldRefuseWithBothDigestsAndTheFix()
    {
        using var dir = new TempDirectory();
        var manifest = PinnedManifest(dir.Path);
        var source = Path.Combine(dir.Path, "tiny.onnx");
        var pinned = FileCheck.Sha256(source);
        Damage(Path.Combine(dir.Path, "tiny-fp32-64.onnx"), "truncated");
        Damage(source, "random bytes inside");

        var error = Assert.Throws<ModelBuilderException>(() => ServedModelFiles.EnsureIntact(manifest, ["tiny-fp32-64.onnx"], _ => { }));

        Assert.Equal(ErrorCodes.Mismatch, error.Code);
        Assert.Contains(source, error.Message, StringComparison.Ordinal);
        Assert.Contains($"SHA-256 {pinned}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"SHA-256 {FileCheck.Sha256(source)}", error.Message, StringComparison.Ordinal);
        Assert.Contains("FapiHub.ModelBuilder.dll build --manifest", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A manifest whose download and derived graph are both pinned, and both files in place.</summary>
    private static string PinnedManifest(string dir)
    {
        new ModelPipeline(WriteManifest(dir, null, null), dir, _ => { }).Run(new PipelineOptions());
        var file = Path.Combine(dir, "tiny-fp32-64.onnx");
        WriteManifest(dir, new FileInfo(file).Length, FileCheck.Sha256(file));
        return Path.Combine(dir, "manifest.json");
    }

    private static void Damage(string path, string damage)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, damage switch
        {
            "truncated" => bytes[..(bytes.Length * 3 / 10)],
            "empty" => [],
            _ => [.. bytes[..(bytes.Length / 2)], .. System.Security.Cryptography.RandomNumberGenerator.GetBytes(Math.Min(4096, bytes.Length / 4)), .. bytes[((bytes.Length / 2) + Math.Min(4096, bytes.Length / 4))..]],
        });
    }

    [Fact]
    public void Load_WhenARecipeHasAnUnknownPrecision_ShouldRefuseBeforeDownloading()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "manifest.json");
        File.WriteAllText(path, ManifestJson("bf16", 64, null, null));

        var error = Assert.Throws<ModelBuilderException>(() => ModelManifest.Load(path));

        Assert.Contains("unknown precision 'bf16'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenGivenTheRepositoryManifest_ShouldListDownloadsThenDerivedFiles()
    {
        var manifest = ModelManifest.Load(Path.Combine(RepositoryRoot(), "models", "manifest.json"));

        Assert.Equal(["isnet-fp16.onnx", "isnet-fp32-1024.onnx", "isnet-fp32-672.onnx", "isnet-int8-1024.onnx", "isnet-int8-672.onnx"], manifest.Files.Select(f => f.File));
        Assert.All(manifest.Files, f => Assert.True(f.IsPinned, f.Name));
        Assert.Equal(new Recipe("isnet-fp16", Precision.Fp32, 672), manifest.Derived[1].ToRecipe());
    }

    private static ModelManifest WriteManifest(string dir, long? derivedBytes, string? derivedSha)
    {
        var source = Path.Combine(dir, "tiny.onnx");
        if (!File.Exists(source))
        {
            File.WriteAllBytes(source, TinyGraph.Build(32).ToByteArray());
        }

        var path = Path.Combine(dir, "manifest.json");
        File.WriteAllText(path, ManifestJson("fp32", 64, derivedBytes, derivedSha, new FileInfo(source).Length, FileCheck.Sha256(source)));
        return ModelManifest.Load(path);
    }

    private static string ManifestJson(string precision, int resolution, long? bytes, string? sha, long sourceBytes = 1, string? sourceSha = null) =>
        JsonSerializer.Serialize(new
        {
            package = new { name = "fake", version = "1.0.0", spec = "fake@1.0.0", resourcesFile = "dist/resources.json" },
            models = new[] { new { name = "tiny", file = "tiny.onnx", resourceKey = "/models/tiny", bytes = sourceBytes, sha256 = sourceSha ?? new string('0', 64) } },
            derived = new[] { new { name = "tiny-fp32-64", file = "tiny-fp32-64.onnx", from = "tiny", precision, resolution, bytes, sha256 = sha } },
        });

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FapiHub.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FapiHub.sln not found above the test assembly");
    }
}
