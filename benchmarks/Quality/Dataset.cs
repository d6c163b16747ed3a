namespace FapiHub.Quality;

/// <summary>One photo and the path of its ground-truth mask (<c>null</c>: unlabelled, scored only against a reference).</summary>
internal sealed record Sample(string Name, string ImagePath, string? MaskPath);

/// <summary>
/// An evaluation set on disk: <c>images/NAME.ext</c> with <c>masks/NAME.png</c> (same base name, same size).
/// </summary>
internal sealed class Dataset
{
    private static readonly HashSet<string> ImageExtensions =
        new([".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"], StringComparer.OrdinalIgnoreCase);

    private Dataset(string name, IReadOnlyList<Sample> samples, IReadOnlyList<string> unmatched)
    {
        Name = name;
        Samples = samples;
        Unmatched = unmatched;
    }

    /// <summary>The folder's name (<c>ecssd</c>, <c>alphamatting</c>): the "set" column of the report.</summary>
    public string Name { get; }

    /// <summary>Photos that have a mask, ordered by name so runs and <c>--limit</c> are reproducible.</summary>
    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>Photos without a mask; reported, not scored.</summary>
    public IReadOnlyList<string> Unmatched { get; }

    /// <summary>
    /// Opens <paramref name="directory"/>. With <paramref name="labelsOptional"/> (a fidelity run against a reference
    /// model, which needs no ground truth) a photo without a mask, or a set without masks/, is kept unlabelled.
    /// </summary>
    public static Dataset Open(string directory, int? limit, bool labelsOptional = false)
    {
        var root = Path.GetFullPath(directory);
        var images = Path.Combine(root, "images");
        var masks = Path.Combine(root, "masks");
        if (!Directory.Exists(images) || (!labelsOptional && !Directory.Exists(masks)))
        {
            throw new DirectoryNotFoundException($"'{root}' must contain images/ and masks/ folders.");
        }

        var samples = new List<Sample>();
        var unmatched = new List<string>();
        var files = Directory.EnumerateFiles(images)
            .Where(path => ImageExtensions.Contains(Path.GetExtension(path)))
            .Order(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var mask = Path.Combine(masks, name + ".png");
            if (File.Exists(mask))
            {
                samples.Add(new Sample(name, path, mask));
            }
            else if (labelsOptional)
            {
                samples.Add(new Sample(name, path, null));
            }
            else
            {
                unmatched.Add(Path.GetFileName(path));
            }
        }

        if (limit is { } n && n < samples.Count)
        {
            samples.RemoveRange(n, samples.Count - n);
        }

        return new Dataset(Path.GetFileName(Path.TrimEndingDirectorySeparator(root)), samples, unmatched);
    }
}
