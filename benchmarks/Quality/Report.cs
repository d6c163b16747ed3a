using System.Globalization;

namespace FapiHub.Quality;

/// <summary>Markdown output: one summary row per model, then each model's worst images.</summary>
internal static class Report
{
    private const int WorstCount = 5;

    public static void Write(TextWriter writer, IReadOnlyList<ModelEvaluation> evaluations)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(evaluations);

        writer.WriteLine("| set | model | images | mean IoU | MAE | max F (β²=0.3) | edge-band MAE | ms/image |");
        writer.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var e in evaluations)
        {
            writer.WriteLine(Invariant(
                $"| {e.Dataset} | {e.Model} | {e.Scores.Count} | {Number(e.MeanIoU)} | {Number(e.MeanMae)} | {Number(e.MaxF)} | {Number(e.MeanEdgeBandMae)} | {e.MeanMilliseconds:F0} |"));
        }

        foreach (var e in evaluations)
        {
            writer.WriteLine();
            writer.WriteLine($"Worst {WorstCount} by IoU, {e.Dataset} / {e.Model}:");
            writer.WriteLine();
            writer.WriteLine("| image | IoU | MAE |");
            writer.WriteLine("|---|---:|---:|");
            foreach (var s in e.Worst(WorstCount))
            {
                writer.WriteLine(Invariant($"| {s.Name} | {s.IoU:F3} | {s.Mae:F3} |"));
            }

            if (e.ImagesWithoutEdge > 0)
            {
                writer.WriteLine();
                writer.WriteLine($"{e.ImagesWithoutEdge} image(s) have no ground-truth edge and are left out of the edge-band MAE.");
            }

            foreach (var skipped in e.Skipped)
            {
                writer.WriteLine($"Skipped {skipped}");
            }
        }
    }

    /// <summary>Per-image scores, for digging into a regression without re-running the models.</summary>
    public static void WriteCsv(string path, ModelEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        using var writer = new StreamWriter(path);
        writer.WriteLine("image,iou,mae,edge_band_mae,ms");
        foreach (var s in evaluation.Scores)
        {
            var edge = s.EdgeBandMae is { } value ? value.ToString("F5", CultureInfo.InvariantCulture) : string.Empty;
            writer.WriteLine(Invariant($"{s.Name},{s.IoU:F5},{s.Mae:F5},{edge},{s.Milliseconds:F1}"));
        }
    }

    /// <summary>Three decimals, or "n/a" where there was nothing to average (no image, or no edge).</summary>
    private static string Number(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F3", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
