using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace FapiHub.ModelBuilder.Tests;

/// <summary>An npm-style tarball as the real package lays its models out: package/dist/resources.json maps each
/// resource key to chunks named by their hash, stored in package/dist/ in name order (not file order).</summary>
internal static class FakePackage
{
    public const string ResourcesFile = "dist/resources.json";

    /// <summary>Writes the tarball and returns, per resource key, the bytes the assembled file must have.</summary>
    public static void Write(string tgzPath, IReadOnlyDictionary<string, byte[]> resources, int chunkSize)
    {
        var index = new Dictionary<string, object>(StringComparer.Ordinal);
        var chunks = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, bytes) in resources)
        {
            var list = new List<object>();
            for (var start = 0; start < bytes.Length; start += chunkSize)
            {
                var chunk = bytes[start..Math.Min(bytes.Length, start + chunkSize)];
                var hash = Convert.ToHexStringLower(SHA256.HashData(chunk));
                chunks[hash] = chunk;
                list.Add(new { hash, offsets = new[] { start, start + chunk.Length } });
            }

            index[key] = new { chunks = list, size = bytes.Length, mime = "application/octet-stream" };
        }

        using var file = File.Create(tgzPath);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        Add(tar, "package/package.json", """{"name":"fake","version":"1.0.0"}"""u8.ToArray());
        foreach (var (hash, chunk) in chunks)
        {
            Add(tar, $"package/dist/{hash}", chunk);
        }

        // After the chunks, so the assembler must not rely on reading the index first in one pass.
        Add(tar, "package/" + ResourcesFile, JsonSerializer.SerializeToUtf8Bytes(index));
    }

    private static void Add(TarWriter tar, string name, byte[] data)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };
        tar.WriteEntry(entry);
    }
}
