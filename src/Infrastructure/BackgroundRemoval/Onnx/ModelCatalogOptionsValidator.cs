using FapiHub.ModelBuilder.Graphs;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>
/// Checks the catalogue when the host starts, so a typo or a missing weights file stops the server with a message
/// naming the setting, instead of failing the first client request.
/// </summary>
internal sealed class ModelCatalogOptionsValidator : IValidateOptions<ModelCatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelCatalogOptions options)
    {
        var failures = new List<string>();
        if (options.Catalog.Count == 0)
        {
            failures.Add("Models:Catalog is empty; configure at least one model.");
        }
        else if (!options.Catalog.ContainsKey(options.Default))
        {
            failures.Add($"Models:Default is '{options.Default}', which is not in Models:Catalog ({string.Join(", ", options.Catalog.Keys)}).");
        }

        foreach (var (model, definition) in options.Catalog)
        {
            var prefix = $"Models:Catalog:{model}";
            if (string.IsNullOrWhiteSpace(definition.File))
            {
                failures.Add($"{prefix}:File is empty.");
            }
            else if (definition.Recipe is { } recipe)
            {
                // A missing file is derived at start-up from the recipe, so then the recipe's own inputs must exist; a
                // present one is served as it is (a published app or an image carries the served graphs, not the weights).
                ValidateRecipe(options, recipe, $"{prefix}:Recipe", needsInputs: !File.Exists(options.PathOf(definition.File)), failures);
            }
            else if (options.PathOf(definition.File) is var path && !File.Exists(path))
            {
                failures.Add(
                    $"{prefix}:File '{path}' does not exist. Build the project once " +
                    "(tools/ModelBuilder fetches the weights with npm and derives the graphs in models/manifest.json), " +
                    "or point Models:Directory at your models.");
            }

            if (definition.Recipe is null && definition.InputSize is < 32 or > 4096)
            {
                failures.Add($"{prefix}:InputSize must be between 32 and 4096 (was {definition.InputSize}).");
            }

            if (definition.Mean is not null && definition.Mean.Length != 3)
            {
                failures.Add($"{prefix}:Mean needs three values (R, G, B).");
            }

            if (definition.Std is not null && (definition.Std.Length != 3 || definition.Std.Any(s => s <= 0)))
            {
                failures.Add($"{prefix}:Std needs three positive values (R, G, B).");
            }

            if (definition.GuidedFilterRadius < 1 || definition.GuidedFilterEpsilon <= 0)
            {
                failures.Add($"{prefix}: GuidedFilterRadius must be >= 1 and GuidedFilterEpsilon > 0.");
            }

            if (definition.GuidedFilterSubsample is < 1 or > 4)
            {
                failures.Add($"{prefix}:GuidedFilterSubsample must be between 1 (the filter on the full working grid) and 4 (was {definition.GuidedFilterSubsample}).");
            }

            if (definition.ConfidenceSnap is < 0f or > 0.25f || float.IsNaN(definition.ConfidenceSnap))
            {
                failures.Add($"{prefix}:ConfidenceSnap must be between 0 (off) and 0.25 (was {definition.ConfidenceSnap}).");
            }

            if (definition.AlsoAverage is { Length: > 0 } other
                && (!options.Catalog.ContainsKey(other) || string.Equals(other, model, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{prefix}:AlsoAverage is '{other}'; name another model of Models:Catalog ({string.Join(", ", options.Catalog.Keys)}).");
            }

            if (definition.ConfidenceSnap > 0f && definition.Refinement == MaskRefinement.None)
            {
                failures.Add($"{prefix}:ConfidenceSnap applies to a refinement; set Refinement too, or remove ConfidenceSnap.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateRecipe(ModelCatalogOptions options, ModelRecipe recipe, string prefix, bool needsInputs, List<string> failures)
    {
        if (needsInputs && !File.Exists(options.PathOf(recipe.Weights)))
        {
            failures.Add($"{prefix}:Weights '{options.PathOf(recipe.Weights)}' does not exist. Build the project once (it fetches the pinned weights with npm).");
        }

        if (!Recipe.TryParsePrecision(recipe.Precision, out var precision))
        {
            failures.Add($"{prefix}:Precision is '{recipe.Precision}'; use fp16, fp32 or int8.");
        }

        if (recipe.Resolution is < 32 or > 4096)
        {
            failures.Add($"{prefix}:Resolution must be between 32 and 4096 (was {recipe.Resolution}).");
        }

        if (precision == Precision.Int8)
        {
            if (string.IsNullOrWhiteSpace(recipe.Calibration))
            {
                failures.Add($"{prefix}:Calibration is required for int8: the committed activation-range table (e.g. calibration/isnet-1024.json).");
            }
            else if (needsInputs && !File.Exists(options.PathOf(recipe.Calibration)))
            {
                failures.Add($"{prefix}:Calibration '{options.PathOf(recipe.Calibration)}' does not exist (tables are in models/calibration, written by benchmarks/Calibration).");
            }
        }
    }
}
