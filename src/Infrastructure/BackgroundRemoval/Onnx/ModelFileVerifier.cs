using System.Diagnostics;
using FapiHub.ModelBuilder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>
/// Before any session loads, the graphs the catalogue serves (and the weights a start-up recipe derives from) are
/// checked against models/manifest.json with the model builder's own pipeline: a damaged or truncated derived graph is
/// derived again like a missing one, a damaged download stops start-up with both values and the command that restores
/// it. ONNX Runtime accepts a graph whose weights were overwritten and serves subtly different mattes, so the size
/// check alone would not do. Files the manifest does not list (an operator's own model) cannot be checked and are
/// logged as such; a models folder without a manifest is logged as unverified.
/// </summary>
internal sealed partial class ModelFileVerifier(ModelCatalog catalog, IOptions<ModelCatalogOptions> options, ILogger<ModelFileVerifier> logger)
{
    /// <summary>The manifest's name in <see cref="ModelCatalogOptions.Directory"/> (the build copies it there with the models).</summary>
    public const string ManifestFileName = "manifest.json";

    public void EnsureIntact()
    {
        var directory = options.Value.DirectoryPath;
        var manifest = Path.Combine(directory, ManifestFileName);
        var paths = FilesToCheck();
        if (!File.Exists(manifest))
        {
            LogNoManifest(manifest, paths.Count);
            return;
        }

        var inFolder = paths.Where(p => string.Equals(Path.GetDirectoryName(p), directory, StringComparison.Ordinal)).Select(Path.GetFileName).ToList();
        var elsewhere = paths.Where(p => !string.Equals(Path.GetDirectoryName(p), directory, StringComparison.Ordinal));
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<string> unlisted;
        try
        {
            unlisted = ServedModelFiles.EnsureIntact(manifest, inFolder!, LogBuilder);
        }
        catch (Exception ex) when (ex is ModelBuilderException or IOException or UnauthorizedAccessException or Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new InvalidOperationException($"The model files in {directory} cannot be used: {ex.Message}", ex);
        }

        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogVerified(inFolder.Count - unlisted.Count, manifest, elapsedMs);
        foreach (var file in unlisted.Select(f => Path.Combine(directory, f)).Concat(elsewhere))
        {
            LogNotInManifest(file);
        }
    }

    /// <summary>Every served graph, plus the weights of a recipe whose graph is missing (it is derived from them next).</summary>
    private List<string> FilesToCheck()
    {
        var files = new List<string>();
        foreach (var entry in catalog.Entries)
        {
            files.Add(entry.FilePath);
            if (entry.Definition.Recipe is { } recipe && !File.Exists(entry.FilePath))
            {
                files.Add(options.Value.PathOf(recipe.Weights));
            }
        }

        return [.. files.Distinct(StringComparer.Ordinal)];
    }

    private void LogBuilder(string message) => LogBuilderMessage(message);

    [LoggerMessage(Level = LogLevel.Information, Message = "model-builder: {Message}")]
    private partial void LogBuilderMessage(string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} served model files match {Manifest} (size and SHA-256), checked in {ElapsedMs:F0} ms")]
    private partial void LogVerified(int count, string manifest, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Manifest} does not exist: the {Count} model files are loaded unverified (copy models/manifest.json there to have them checked)")]
    private partial void LogNoManifest(string manifest, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} is not listed in models/manifest.json: loaded as it is, unverified (an operator's own model)")]
    private partial void LogNotInManifest(string file);
}
