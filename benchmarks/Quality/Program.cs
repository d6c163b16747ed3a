using Microsoft.Extensions.Options;

namespace FapiHub.Quality;

/// <summary>Entry point: parse, load the set and its ground truth, run each model, print the report.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        QualityOptions options;
        Dataset dataset;
        try
        {
            options = CommandLine.Parse(args);
            dataset = Dataset.Open(options.DataDirectory, options.Limit, labelsOptional: options.Reference is not null);
        }
        catch (Exception ex) when (ex is UsageException or DirectoryNotFoundException)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Environment.NewLine + CommandLine.Usage);
            return 2;
        }

        foreach (var name in dataset.Unmatched)
        {
            await Console.Error.WriteLineAsync($"No ground truth for {name}; not scored.");
        }

        Pipeline pipeline;
        try
        {
            pipeline = Pipeline.Create(options.Settings);
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, ex.Failures));
            return 1;
        }

        await using (pipeline)
        {
            var models = new List<string>();
            string? reference = null;
            foreach (var requested in options.Reference is null ? options.Models : [options.Reference, .. options.Models])
            {
                if (!pipeline.Catalog.TryResolve(requested, out var model))
                {
                    await Console.Error.WriteLineAsync($"Unknown model '{requested}'; the catalogue has {string.Join(", ", pipeline.Catalog.Names)}.");
                    return 2;
                }

                if (options.Reference is not null && reference is null)
                {
                    reference = model;
                }
                else if (!string.Equals(model, reference, StringComparison.OrdinalIgnoreCase))
                {
                    models.Add(model);
                }
            }

            using var cancellation = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                // First Ctrl+C stops between images (and aborts a running inference) instead of killing the process.
                e.Cancel = true;
                cancellation.Cancel();
            };

            // Ground truth is decoded once per set, not once per model.
            var truths = dataset.Samples.Where(s => s.MaskPath is not null)
                .ToDictionary(s => s.Name, s => GrayMask.Decode(File.ReadAllBytes(s.MaskPath!)), StringComparer.Ordinal);
            var runner = new Runner(pipeline, dataset, truths, options.OutputDirectory, options.OverColor);
            var evaluations = new List<ModelEvaluation>();
            var fidelity = new List<FidelityEvaluation>();
            try
            {
                // The reference runs first and its mattes are kept; each model's are compared with them as it finishes.
                Dictionary<string, GrayMask>? referenceMattes = null;
                ModelEvaluation? referenceEvaluation = null;
                if (reference is not null)
                {
                    referenceMattes = new Dictionary<string, GrayMask>(StringComparer.Ordinal);
                    referenceEvaluation = options.ReferenceMasks is { } saved
                        ? Saved(dataset, reference, saved, truths, referenceMattes)
                        : await runner.RunAsync(reference, cancellation.Token, referenceMattes);
                    evaluations.Add(referenceEvaluation);
                }

                foreach (var model in models)
                {
                    var mattes = referenceMattes is null ? null : new Dictionary<string, GrayMask>(StringComparer.Ordinal);
                    var evaluation = options.SavedMasks is { } savedModels
                        ? Saved(dataset, model, Path.Combine(savedModels, model), truths, mattes ??= new Dictionary<string, GrayMask>(StringComparer.Ordinal))
                        : await runner.RunAsync(model, cancellation.Token, mattes);
                    evaluations.Add(evaluation);
                    if (mattes is not null)
                    {
                        var compared = Compare(dataset.Name, model, reference!, mattes, referenceMattes!, truths, evaluation, referenceEvaluation!);
                        fidelity.Add(compared);
                        if (options.OutputDirectory is not null)
                        {
                            Report.WriteFidelityCsv(Path.Combine(options.OutputDirectory, $"{model}-vs-{reference}.csv"), compared);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("Cancelled; reporting the models that finished.");
            }

            Report.Write(Console.Out, evaluations);
            if (reference is not null)
            {
                Report.WriteFidelity(Console.Out, fidelity);
            }

            return 0;
        }
    }

    /// <summary>The reference's mattes saved by an earlier run (untimed: 0 ms), scored against the ground truth as if run now.</summary>
    private static ModelEvaluation Saved(Dataset dataset, string reference, string folder, Dictionary<string, GrayMask> truths, Dictionary<string, GrayMask> mattes)
    {
        var evaluation = new ModelEvaluation(dataset.Name, reference);
        foreach (var sample in dataset.Samples)
        {
            var path = Path.Combine(folder, sample.Name + ".png");
            if (!File.Exists(path))
            {
                evaluation.Skip(sample.Name, $"no saved matte {path}");
                continue;
            }

            var matte = GrayMask.Decode(File.ReadAllBytes(path));
            mattes.Add(sample.Name, matte);
            if (truths.TryGetValue(sample.Name, out var truth))
            {
                evaluation.Add(sample.Name, matte, truth, 0);
            }
        }

        return evaluation;
    }

    private static FidelityEvaluation Compare(
        string dataset,
        string model,
        string reference,
        Dictionary<string, GrayMask> mattes,
        Dictionary<string, GrayMask> referenceMattes,
        Dictionary<string, GrayMask> truths,
        ModelEvaluation evaluation,
        ModelEvaluation referenceEvaluation)
    {
        var modelScores = evaluation.Scores.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var referenceScores = referenceEvaluation.Scores.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var compared = new FidelityEvaluation(dataset, model, reference);
        foreach (var (name, matte) in mattes.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (referenceMattes.TryGetValue(name, out var referenceMatte) && referenceMatte.SameSizeAs(matte))
            {
                compared.Add(name, matte, referenceMatte, truths.GetValueOrDefault(name), modelScores.GetValueOrDefault(name), referenceScores.GetValueOrDefault(name));
            }
        }

        return compared;
    }
}
