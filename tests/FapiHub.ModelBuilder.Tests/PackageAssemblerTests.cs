using System.Security.Cryptography;
using FapiHub.ModelBuilder.Fetching;

namespace FapiHub.ModelBuilder.Tests;

public sealed class PackageAssemblerTests
{
    private static readonly byte[] Medium = Bytes(10_000, seed: 1);

    // Shares its first chunk with Medium, as content-addressed chunks may.
    private static readonly byte[] Small = [.. Medium[..1024], .. Bytes(3_000, seed: 2)];

    [Fact]
    public void Assemble_WhenChunksMatchTheManifest_ShouldWriteEveryFileExactly()
    {
        using var dir = new TempDirectory();
        var tgz = Path.Combine(dir.Path, "fake.tgz");
        FakePackage.Write(tgz, new Dictionary<string, byte[]> { ["/models/medium"] = Medium, ["/models/small"] = Small }, chunkSize: 1024);
        var log = new List<string>();

        new PackageAssembler(log.Add).Assemble(tgz, FakePackage.ResourcesFile, [Model("medium", Medium), Model("small", Small)], dir.Path);

        Assert.Equal(Medium, File.ReadAllBytes(Path.Combine(dir.Path, "medium.onnx")));
        Assert.Equal(Small, File.ReadAllBytes(Path.Combine(dir.Path, "small.onnx")));
        Assert.Contains(log, l => l.StartsWith("medium.onnx: written", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Assemble_WhenTheHashDoesNotMatch_ShouldFailWithBothHashesAndInstallNothing()
    {
        using var dir = new TempDirectory();
        var tgz = Path.Combine(dir.Path, "fake.tgz");
        FakePackage.Write(tgz, new Dictionary<string, byte[]> { ["/models/medium"] = Medium }, chunkSize: 4096);
        var wrong = new string('0', 64);
        var model = Model("medium", Medium) with { Sha256 = wrong };

        var error = Assert.Throws<ModelBuilderException>(() =>
            new PackageAssembler(_ => { }).Assemble(tgz, FakePackage.ResourcesFile, [model], dir.Path));

        Assert.Equal(ErrorCodes.Mismatch, error.Code);
        Assert.Contains($"medium.onnx: assembled file does not match manifest.json: SHA-256 mismatch: expected {wrong}, actual {Sha(Medium)}",
            error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "medium.onnx")));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Assemble_WhenThePackageSizeDiffersFromTheManifest_ShouldSayBoth()
    {
        using var dir = new TempDirectory();
        var tgz = Path.Combine(dir.Path, "fake.tgz");
        FakePackage.Write(tgz, new Dictionary<string, byte[]> { ["/models/medium"] = Medium }, chunkSize: 4096);
        var model = Model("medium", Medium) with { Bytes = 123 };

        var error = Assert.Throws<ModelBuilderException>(() =>
            new PackageAssembler(_ => { }).Assemble(tgz, FakePackage.ResourcesFile, [model], dir.Path));

        Assert.Equal(ErrorCodes.Mismatch, error.Code);
        Assert.Contains("the package says 10000 bytes, manifest.json says 123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assemble_WhenTheResourceKeyIsUnknown_ShouldListTheKeysThePackageHas()
    {
        using var dir = new TempDirectory();
        var tgz = Path.Combine(dir.Path, "fake.tgz");
        FakePackage.Write(tgz, new Dictionary<string, byte[]> { ["/models/medium"] = Medium }, chunkSize: 4096);
        var model = Model("large", Medium);

        var error = Assert.Throws<ModelBuilderException>(() =>
            new PackageAssembler(_ => { }).Assemble(tgz, FakePackage.ResourcesFile, [model], dir.Path));

        Assert.Equal(ErrorCodes.General, error.Code);
        Assert.Contains("has no '/models/large' (has: /models/medium)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assemble_WhenTheTarballIsTruncated_ShouldSaySo()
    {
        using var dir = new TempDirectory();
        var tgz = Path.Combine(dir.Path, "fake.tgz");
        FakePackage.Write(tgz, new Dictionary<string, byte[]> { ["/models/medium"] = Bytes(200_000, 3) }, chunkSize: 65536);
        var bytes = File.ReadAllBytes(tgz);
        File.WriteAllBytes(tgz, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<ModelBuilderException>(() =>
            new PackageAssembler(_ => { }).Assemble(tgz, FakePackage.ResourcesFile, [Model("medium", Medium)], dir.Path));

        Assert.Contains("malformed or truncated", error.Message, StringComparison.Ordinal);
    }

    internal static DownloadedModel Model(string name, byte[] bytes) =>
        new(name, $"{name}.onnx", $"/models/{name}", bytes.Length, Sha(bytes));

    internal static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
