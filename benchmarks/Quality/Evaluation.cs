namespace FapiHub.Quality;

/// <summary>The scores of one image under one model.</summary>
internal sealed record ImageScore(
    string Name,
    double IoU,
    double Mae,
    double? EdgeBandMae,
    PrecisionRecall Curve,
    double Milliseconds);

/// <summary>One model over one set: the per-image scores, what was skipped, and the means.</summary>
internal sealed class ModelEvaluation(string dataset, string model)
{
    private readonly List<ImageScore> _scores = [];
    private readonly List<string> _skipped = [];

    public string Dataset { get; } = dataset;

    public string Model { get; } = model;

    public IReadOnlyList<ImageScore> Scores => _scores;

    /// <summary>"NAME: reason" for each image that could not be scored.</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    public double MeanIoU => Mean(_scores.Select(s => s.IoU));

    public double MeanMae => Mean(_scores.Select(s => s.Mae));

    public double MaxF => Metrics.MaxF(_scores.Select(s => s.Curve).ToArray());

    /// <summary>Mean over the images whose ground truth has an edge; the others have no band to score.</summary>
    public double MeanEdgeBandMae => Mean(_scores.Where(s => s.EdgeBandMae is not null).Select(s => s.EdgeBandMae!.Value));

    public int ImagesWithoutEdge => _scores.Count(s => s.EdgeBandMae is null);

    public double MeanMilliseconds => Mean(_scores.Select(s => s.Milliseconds));

    /// <summary>Lowest IoU first; ties by name so the list is stable between runs.</summary>
    public IEnumerable<ImageScore> Worst(int count) =>
        _scores.OrderBy(s => s.IoU).ThenBy(s => s.Name, StringComparer.Ordinal).Take(count);

    /// <summary>Scores one prediction; a size mismatch is recorded as a skip, not scored.</summary>
    public void Add(string name, GrayMask predicted, GrayMask truth, double milliseconds)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        if (!predicted.SameSizeAs(truth))
        {
            Skip(name, $"predicted mask is {predicted.Width}x{predicted.Height}, ground truth is {truth.Width}x{truth.Height}");
            return;
        }

        _scores.Add(new ImageScore(
            name,
            Metrics.IoU(predicted, truth),
            Metrics.Mae(predicted, truth),
            Metrics.EdgeBandMae(predicted, truth),
            Metrics.PrecisionRecallCurve(predicted, truth),
            milliseconds));
    }

    public void Skip(string name, string reason) => _skipped.Add($"{name}: {reason}");

    private static double Mean(IEnumerable<double> values)
    {
        double sum = 0;
        var count = 0;
        foreach (var value in values)
        {
            sum += value;
            count++;
        }

        return count == 0 ? double.NaN : sum / count;
    }
}
