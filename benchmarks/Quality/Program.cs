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
            dataset = Dataset.Open(options.DataDirectory, options.Limit);
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
            foreach (var requested in options.Models)
            {
                if (!pipeline.Catalog.TryResolve(requested, out var model))
                {
                    await Console.Error.WriteLineAsync($"Unknown model '{requested}'; the catalogue has {string.Join(", ", pipeline.Catalog.Names)}.");
                    return 2;
                }

                models.Add(model);
            }

            using var cancellation = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                // First Ctrl+C stops between images (and aborts a running inference) instead of killing the process.
                e.Cancel = true;
                cancellation.Cancel();
            };

            // Ground truth is decoded once per set, not once per model.
            var truths = dataset.Samples.ToDictionary(s => s.Name, s => GrayMask.Decode(File.ReadAllBytes(s.MaskPath)), StringComparer.Ordinal);
            var runner = new Runner(pipeline, dataset, truths, options.OutputDirectory, options.OverColor);
            var evaluations = new List<ModelEvaluation>();
            try
            {
                foreach (var model in models)
                {
                    evaluations.Add(await runner.RunAsync(model, cancellation.Token));
                }
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("Cancelled; reporting the models that finished.");
            }

            Report.Write(Console.Out, evaluations);
            return 0;
        }
    }
}
