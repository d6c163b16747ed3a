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

    /// <summary>
    /// Each model against the reference: the mattes' mean |Δ|, matte noise (model, reference, ratio of the means), the
    /// share of pixels on the other side of 0.5, and the paired differences (model − reference) of the noise and, where
    /// there is ground truth, of IoU, MAE and edge-band MAE, each ± its standard error, with the count of images
    /// better / worse (IoU by more than 0.01, MAE and edge band by more than 0.001).
    /// </summary>
    public static void WriteFidelity(TextWriter writer, IReadOnlyList<FidelityEvaluation> evaluations)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(evaluations);
        writer.WriteLine();
        writer.WriteLine("Fidelity against the reference (same photos, same pipeline; differences are model − reference, mean ± s.e., images better/worse):");
        writer.WriteLine();
        writer.WriteLine("| set | model | vs | images | mean abs Δ | noise | ref noise | noise ratio | crossing 0.5 | Δ noise | Δ IoU | Δ MAE | Δ edge band |");
        writer.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var e in evaluations)
        {
            writer.WriteLine(Invariant(
                $"| {e.Dataset} | {e.Model} | {e.Reference} | {e.Scores.Count} | {e.MeanAbsDelta:F4} | {e.MeanNoise * 1e3:F3}e-3 | {e.MeanReferenceNoise * 1e3:F3}e-3 | {e.NoiseRatio:F2}× | {e.CrossingShare * 100:F3} % | {Paired(e.NoiseDifference, "F5")} | {Paired(e.IoUDifference, "F4")} | {Paired(e.MaeDifference, "F4")} | {Paired(e.EdgeBandDifference, "F4")} |"));
        }

        static string Paired(PairedDifference d, string number) => d.Count == 0 ? "n/a" : $"{d.Format(number)} ({d.Better}/{d.Worse})";
    }

    /// <summary>Per-image fidelity figures: the model's and the reference's side by side, ground-truth scores where labelled.</summary>
    public static void WriteFidelityCsv(string path, FidelityEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        using var writer = new StreamWriter(path);
        writer.WriteLine("image,mean_abs_delta,crossing_share,noise,ref_noise,iou,ref_iou,mae,ref_mae,edge_band_mae,ref_edge_band_mae");
        foreach (var s in evaluation.Scores)
        {
            writer.WriteLine(string.Join(',',
                s.Name,
                F(s.MeanAbsDelta), F(s.CrossingShare), F(s.Noise), F(s.ReferenceNoise),
                F(s.Model?.IoU), F(s.Reference?.IoU), F(s.Model?.Mae), F(s.Reference?.Mae), F(s.Model?.EdgeBandMae), F(s.Reference?.EdgeBandMae)));
        }

        static string F(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : string.Empty;
    }

    /// <summary>Three decimals, or "n/a" where there was nothing to average (no image, or no edge).</summary>
    private static string Number(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F3", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
