using System.Globalization;

namespace FapiHub.Quality;

/// <summary>
/// How faithfully a matte follows a reference matte of the same photo (the fp32 graph at the same resolution through
/// the same pipeline): no ground truth needed. Pure functions of 8-bit masks of one size, values read as byte / 255.
/// </summary>
internal static class Fidelity
{
    /// <summary>σ of the Gaussian the noise figure compares against, in pixels of the returned matte.</summary>
    public const double NoiseSigma = 2.0;

    /// <summary>Pixels within this many pixels of the edge (a 17 × 17 window holding both classes) are left out of the noise.</summary>
    public const int NoiseEdgeMargin = Metrics.EdgeBandRadius;

    /// <summary>Mean |m − r| in 0–1 over all pixels.</summary>
    public static double MeanAbsDelta(GrayMask matte, GrayMask reference) => Metrics.Mae(matte, reference);

    /// <summary>Share of the pixels on different sides of 0.5 in the two mattes: where a cut-out changes its mind.</summary>
    public static double CrossingShare(GrayMask matte, GrayMask reference)
    {
        Require(matte, reference);
        long crossing = 0;
        var (a, b) = (matte.Pixels, reference.Pixels);
        for (var i = 0; i < a.Length; i++)
        {
            crossing += (a[i] >= Metrics.HalfThreshold) != (b[i] >= Metrics.HalfThreshold) ? 1 : 0;
        }

        return (double)crossing / a.Length;
    }

    /// <summary>
    /// Matte noise: mean |m − Gaussian(m, σ = 2 px)| over the pixels farther than <see cref="NoiseEdgeMargin"/> px from
    /// <paramref name="edgeOf"/>'s 0.5 contour. Away from the edge a clean matte is flat or smoothly graded, so what the
    /// blur removes there is speckle; the edge itself is excluded because a sharp true edge differs from its blur
    /// too. <c>null</c> when no pixel lies that far from the edge.
    /// </summary>
    public static double? Noise(GrayMask matte, GrayMask edgeOf)
    {
        Require(matte, edgeOf);
        var band = Metrics.EdgeBand(edgeOf, NoiseEdgeMargin);
        var blurred = GaussianBlur(matte, NoiseSigma);
        var pixels = matte.Pixels;
        double sum = 0;
        long count = 0;
        for (var i = 0; i < pixels.Length; i++)
        {
            if (!band[i])
            {
                sum += Math.Abs((pixels[i] / 255.0) - blurred[i]);
                count++;
            }
        }

        return count == 0 ? null : sum / count;
    }

    /// <summary>Separable Gaussian (radius ⌈3σ⌉, edge pixels repeated), in 0–1.</summary>
    public static double[] GaussianBlur(GrayMask mask, double sigma)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        var radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[(2 * radius) + 1];
        double total = 0;
        for (var k = -radius; k <= radius; k++)
        {
            kernel[k + radius] = Math.Exp(-(k * k) / (2 * sigma * sigma));
            total += kernel[k + radius];
        }

        for (var k = 0; k < kernel.Length; k++)
        {
            kernel[k] /= total;
        }

        int w = mask.Width, h = mask.Height;
        var source = mask.Pixels;
        var rows = new double[w * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                double sum = 0;
                for (var k = -radius; k <= radius; k++)
                {
                    sum += kernel[k + radius] * source[(y * w) + Math.Clamp(x + k, 0, w - 1)];
                }

                rows[(y * w) + x] = sum / 255.0;
            }
        }

        var result = new double[w * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                double sum = 0;
                for (var k = -radius; k <= radius; k++)
                {
                    sum += kernel[k + radius] * rows[(Math.Clamp(y + k, 0, h - 1) * w) + x];
                }

                result[(y * w) + x] = sum;
            }
        }

        return result;
    }

    private static void Require(GrayMask a, GrayMask b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.SameSizeAs(b))
        {
            throw new ArgumentException($"Mattes of {a.Width}x{a.Height} and {b.Width}x{b.Height} differ in size.");
        }
    }
}

/// <summary>One photo: a model's matte against the reference's, plus both mattes' ground-truth scores where there is a ground truth.</summary>
internal sealed record FidelityScore(
    string Name,
    double MeanAbsDelta,
    double CrossingShare,
    double? Noise,
    double? ReferenceNoise,
    ImageScore? Model,
    ImageScore? Reference);

/// <summary>A mean of per-image paired differences (model − reference) and its standard error (s / √n).</summary>
internal readonly record struct PairedDifference(double Mean, double StandardError, int Count, int Better, int Worse)
{
    /// <summary>
    /// <paramref name="lowerIsBetter"/> counts an image "better" when the difference is below −<paramref name="tolerance"/>
    /// (above +tolerance for IoU-like figures).
    /// </summary>
    public static PairedDifference Of(IReadOnlyList<double> differences, bool lowerIsBetter, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(differences);
        var n = differences.Count;
        if (n == 0)
        {
            return new PairedDifference(double.NaN, double.NaN, 0, 0, 0);
        }

        var mean = differences.Average();
        var variance = n > 1 ? differences.Sum(d => (d - mean) * (d - mean)) / (n - 1) : double.NaN;
        var better = differences.Count(d => lowerIsBetter ? d < -tolerance : d > tolerance);
        var worse = differences.Count(d => lowerIsBetter ? d > tolerance : d < -tolerance);
        return new PairedDifference(mean, Math.Sqrt(variance / n), n, better, worse);
    }

    public string Format(string number) => Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{Mean.ToString(number, CultureInfo.InvariantCulture)} ± {StandardError.ToString(number, CultureInfo.InvariantCulture)}");
}

/// <summary>One model against the reference over one set.</summary>
internal sealed class FidelityEvaluation(string dataset, string model, string reference)
{
    private readonly List<FidelityScore> _scores = [];

    public string Dataset { get; } = dataset;

    public string Model { get; } = model;

    public string Reference { get; } = reference;

    public IReadOnlyList<FidelityScore> Scores => _scores;

    public double MeanAbsDelta => _scores.Select(s => s.MeanAbsDelta).DefaultIfEmpty(double.NaN).Average();

    public double CrossingShare => _scores.Select(s => s.CrossingShare).DefaultIfEmpty(double.NaN).Average();

    public double MeanNoise => Paired().Select(s => s.Noise!.Value).DefaultIfEmpty(double.NaN).Average();

    public double MeanReferenceNoise => Paired().Select(s => s.ReferenceNoise!.Value).DefaultIfEmpty(double.NaN).Average();

    /// <summary>Mean noise over the reference's: the figure the goals are stated in.</summary>
    public double NoiseRatio => MeanNoise / MeanReferenceNoise;

    public PairedDifference NoiseDifference => PairedDifference.Of([.. Paired().Select(s => s.Noise!.Value - s.ReferenceNoise!.Value)], lowerIsBetter: true, 0);

    public PairedDifference IoUDifference => Truth(s => s.IoU, lowerIsBetter: false, 0.01);

    public PairedDifference MaeDifference => Truth(s => s.Mae, lowerIsBetter: true, 0.001);

    public PairedDifference EdgeBandDifference =>
        PairedDifference.Of(
            [.. _scores.Where(s => s.Model?.EdgeBandMae is not null && s.Reference?.EdgeBandMae is not null)
                .Select(s => s.Model!.EdgeBandMae!.Value - s.Reference!.EdgeBandMae!.Value)],
            lowerIsBetter: true,
            0.001);

    public void Add(string name, GrayMask matte, GrayMask referenceMatte, GrayMask? truth, ImageScore? modelScore, ImageScore? referenceScore)
    {
        ArgumentNullException.ThrowIfNull(matte);
        ArgumentNullException.ThrowIfNull(referenceMatte);
        // The edge the noise keeps away from: the ground truth's where there is one, else the reference matte's.
        var edgeOf = truth is not null && truth.SameSizeAs(matte) ? truth : referenceMatte;
        _scores.Add(new FidelityScore(
            name,
            Fidelity.MeanAbsDelta(matte, referenceMatte),
            Fidelity.CrossingShare(matte, referenceMatte),
            Fidelity.Noise(matte, edgeOf),
            Fidelity.Noise(referenceMatte, edgeOf),
            modelScore,
            referenceScore));
    }

    private IEnumerable<FidelityScore> Paired() => _scores.Where(s => s.Noise is not null && s.ReferenceNoise is not null);

    private PairedDifference Truth(Func<ImageScore, double> figure, bool lowerIsBetter, double tolerance) =>
        PairedDifference.Of(
            [.. _scores.Where(s => s.Model is not null && s.Reference is not null).Select(s => figure(s.Model!) - figure(s.Reference!))],
            lowerIsBetter,
            tolerance);
}
