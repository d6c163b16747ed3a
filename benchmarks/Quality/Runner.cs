namespace FapiHub.Quality;

/// <summary>Runs one model over a data set and scores every prediction.</summary>
internal sealed class Runner(Pipeline pipeline, Dataset dataset, IReadOnlyDictionary<string, GrayMask> truths, string? outputDirectory, string? overColor = null)
{
    /// <summary>
    /// Runs <paramref name="model"/> over the set; with <paramref name="mattes"/> every decoded matte is also kept there
    /// by image name (for the fidelity comparison against a reference model).
    /// </summary>
    public async Task<ModelEvaluation> RunAsync(string model, CancellationToken cancellationToken, IDictionary<string, GrayMask>? mattes = null)
    {
        var evaluation = new ModelEvaluation(dataset.Name, model);
        var modelOutput = outputDirectory is null ? null : Directory.CreateDirectory(Path.Combine(outputDirectory, model)).FullName;
        var overOutput = outputDirectory is null || overColor is null ? null : Directory.CreateDirectory(Path.Combine(outputDirectory, model + "-over")).FullName;

        // Untimed first call: it loads the weights (lazily, since no host runs the loader service) and lets ONNX
        // Runtime size its arenas, neither of which a request to a warm server pays for.
        if (dataset.Samples.Count > 0)
        {
            _ = await pipeline.PredictAsync(await File.ReadAllBytesAsync(dataset.Samples[0].ImagePath, cancellationToken), model, cancellationToken);
        }

        for (var i = 0; i < dataset.Samples.Count; i++)
        {
            var sample = dataset.Samples[i];
            var image = await File.ReadAllBytesAsync(sample.ImagePath, cancellationToken);
            var result = await pipeline.PredictAsync(image, model, cancellationToken);
            if (!result.IsSuccess)
            {
                evaluation.Skip(sample.Name, $"pipeline returned {result.Error!.Code}: {result.Error.Message}");
                continue;
            }

            var prediction = result.Value;
            if (modelOutput is not null)
            {
                await File.WriteAllBytesAsync(Path.Combine(modelOutput, sample.Name + ".png"), prediction.Png, cancellationToken);
            }

            var matte = GrayMask.Decode(prediction.Png);
            mattes?.Add(sample.Name, matte);
            if (truths.TryGetValue(sample.Name, out var truth))
            {
                evaluation.Add(sample.Name, matte, truth, prediction.Milliseconds);
            }
            else
            {
                evaluation.Skip(sample.Name, "no ground truth (compared with the reference only)");
            }

            if (overOutput is not null)
            {
                var composite = await pipeline.ComposeOverAsync(image, model, overColor!, cancellationToken);
                if (composite.IsSuccess)
                {
                    await File.WriteAllBytesAsync(Path.Combine(overOutput, sample.Name + ".png"), composite.Value, cancellationToken);
                }
                else
                {
                    await Console.Error.WriteLineAsync($"{sample.Name}: no composite ({composite.Error!.Code}: {composite.Error.Message})");
                }
            }

            if ((i + 1) % 10 == 0 || i + 1 == dataset.Samples.Count)
            {
                await Console.Error.WriteLineAsync($"{dataset.Name}/{model}: {i + 1}/{dataset.Samples.Count}");
            }
        }

        if (outputDirectory is not null)
        {
            Report.WriteCsv(Path.Combine(outputDirectory, model + ".csv"), evaluation);
        }

        return evaluation;
    }
}
