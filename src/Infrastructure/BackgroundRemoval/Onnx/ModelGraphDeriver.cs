using System.Diagnostics;
using FapiHub.ModelBuilder;
using FapiHub.ModelBuilder.Graphs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>
/// Makes sure every catalogue graph that names a <see cref="ModelRecipe"/> exists before the sessions load: the build
/// derives the pinned recipes (models/manifest.json), and this derives any other configured one (an operator's new
/// tier) from the pinned weights with the same code, once, at start-up. A recipe that cannot be made (a resolution the
/// graph cannot be rescaled to, a calibration table without an entry the graph needs) stops start-up with the reason.
/// </summary>
internal sealed partial class ModelGraphDeriver(ModelCatalog catalog, IOptions<ModelCatalogOptions> options, ILogger<ModelGraphDeriver> logger)
{
    public void EnsureDerived()
    {
        foreach (var entry in catalog.Entries.DistinctBy(e => e.FilePath, StringComparer.Ordinal))
        {
            if (entry.Definition.Recipe is not { } configured || File.Exists(entry.FilePath))
            {
                continue;
            }

            var recipe = new Recipe(
                Path.GetFileNameWithoutExtension(configured.Weights),
                Recipe.ParsePrecision(configured.Precision),
                configured.Resolution,
                entry.Definition.OutputName);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var derived = GraphRecipes.Derive(
                    options.Value.PathOf(configured.Weights),
                    recipe,
                    configured.Calibration is { Length: > 0 } table ? options.Value.PathOf(table) : null,
                    entry.FilePath);
                var elapsed = Stopwatch.GetElapsedTime(started);
                LogDerived(entry.Name, recipe, derived.Path, derived.Bytes, derived.Sha256, elapsed);
            }
            catch (Exception ex) when (ex is ModelBuilderException or IOException or InvalidOperationException)
            {
                throw new InvalidOperationException(
                    $"Models:Catalog:{entry.Name}:Recipe ({recipe}) cannot be derived: {ex.Message}", ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Derived {Model}'s graph ({Recipe}) at start-up: {File}, {Bytes} bytes, SHA-256 {Sha256}, in {Elapsed}")]
    private partial void LogDerived(string model, Recipe recipe, string file, long bytes, string sha256, TimeSpan elapsed);
}
