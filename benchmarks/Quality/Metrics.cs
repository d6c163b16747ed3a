namespace FapiHub.Quality;

/// <summary>
/// Per-image mask metrics. Pure functions of a predicted and a ground-truth mask of the same size; values are read
/// as byte / 255, so "≥ 0.5" on a 0–1 value is "≥ 128" on the byte (127.5 lies between 127 and 128).
/// </summary>
internal static class Metrics
{
    /// <summary>The byte at and above which a pixel counts as subject for the 0.5 threshold.</summary>
    public const byte HalfThreshold = 128;

    /// <summary>Number of F-measure thresholds: every byte value, t = k/255 for k = 0…255.</summary>
    public const int ThresholdCount = 256;

    /// <summary>Precision weight of the salient-object F-measure (β² = 0.3 stresses precision over recall).</summary>
    public const double BetaSquared = 0.3;

    /// <summary>Half-width of the band around the ground-truth edge, in pixels (a 17 × 17 square window).</summary>
    public const int EdgeBandRadius = 8;

    /// <summary>
    /// Intersection over union of pred ≥ 0.5 and gt ≥ 0.5. Two empty masks agree perfectly, so an empty union is 1
    /// rather than 0/0.
    /// </summary>
    public static double IoU(GrayMask predicted, GrayMask truth)
    {
        var (p, g) = Pixels(predicted, truth);
        long intersection = 0, union = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var a = p[i] >= HalfThreshold;
            var b = g[i] >= HalfThreshold;
            intersection += a && b ? 1 : 0;
            union += a || b ? 1 : 0;
        }

        return union == 0 ? 1.0 : (double)intersection / union;
    }

    /// <summary>Mean absolute error in 0–1 over all pixels: the soft values, no threshold.</summary>
    public static double Mae(GrayMask predicted, GrayMask truth)
    {
        var (p, g) = Pixels(predicted, truth);
        long sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            sum += Math.Abs(p[i] - g[i]);
        }

        return sum / 255.0 / p.Length;
    }

    /// <summary>
    /// Precision and recall of pred ≥ k/255 against gt ≥ 0.5 for every k in 0…255. Where nothing is predicted
    /// positive precision is 0, and where the ground truth is empty recall is 0 (the usual salient-object convention:
    /// such thresholds earn no credit rather than an undefined value).
    /// </summary>
    public static PrecisionRecall PrecisionRecallCurve(GrayMask predicted, GrayMask truth)
    {
        var (p, g) = Pixels(predicted, truth);

        // One histogram of predicted values per ground-truth class; suffix sums then give, for each k, how many
        // pixels are predicted ≥ k, in one pass over the image instead of 256.
        var positives = new long[ThresholdCount];
        var negatives = new long[ThresholdCount];
        for (var i = 0; i < p.Length; i++)
        {
            if (g[i] >= HalfThreshold)
            {
                positives[p[i]]++;
            }
            else
            {
                negatives[p[i]]++;
            }
        }

        long totalPositives = 0;
        foreach (var count in positives)
        {
            totalPositives += count;
        }

        var precision = new double[ThresholdCount];
        var recall = new double[ThresholdCount];
        long truePositives = 0, predictedPositives = 0;
        for (var k = ThresholdCount - 1; k >= 0; k--)
        {
            truePositives += positives[k];
            predictedPositives += positives[k] + negatives[k];
            precision[k] = predictedPositives == 0 ? 0 : (double)truePositives / predictedPositives;
            recall[k] = totalPositives == 0 ? 0 : (double)truePositives / totalPositives;
        }

        return new PrecisionRecall(precision, recall);
    }

    /// <summary>
    /// "Max F" as the reference figures in ../shared/eval/README.md compute it: each image's best F over the 256
    /// thresholds, averaged over the images. (The dataset-level variant, F of the mean precision and recall at one
    /// shared threshold, is lower: 0.950 instead of 0.962 for falcon on ecssd.)
    /// </summary>
    public static double MaxF(IReadOnlyCollection<PrecisionRecall> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0)
        {
            return double.NaN;
        }

        var sum = 0.0;
        foreach (var curve in curves)
        {
            var best = 0.0;
            for (var k = 0; k < ThresholdCount; k++)
            {
                var (precision, recall) = (curve.Precision[k], curve.Recall[k]);
                var denominator = (BetaSquared * precision) + recall;
                best = Math.Max(best, denominator == 0 ? 0 : (1 + BetaSquared) * precision * recall / denominator);
            }

            sum += best;
        }

        return sum / curves.Count;
    }

    /// <summary>
    /// MAE over the band of ±<see cref="EdgeBandRadius"/> px around the ground-truth edge, where soft mattes and
    /// upsampling artefacts live and where a whole-image MAE is diluted by easy interior pixels. <c>null</c> when the
    /// ground truth has no edge (all subject or all background).
    /// </summary>
    public static double? EdgeBandMae(GrayMask predicted, GrayMask truth)
    {
        var (p, g) = Pixels(predicted, truth);
        var band = EdgeBand(truth, EdgeBandRadius);
        long sum = 0, count = 0;
        for (var i = 0; i < p.Length; i++)
        {
            if (band[i])
            {
                sum += Math.Abs(p[i] - g[i]);
                count++;
            }
        }

        return count == 0 ? null : sum / 255.0 / count;
    }

    /// <summary>
    /// The band: the binarised (≥ 0.5) ground truth dilated minus eroded with a (2r+1)² square, i.e. the pixels whose
    /// square window (clipped at the image border) holds both classes. This is the definition that reproduces the
    /// reference edge-band figures in ../shared/eval/README.md (0.115 / 0.212 for a plain bilinear fp16 pipeline).
    /// Counted with a summed-area table, so O(pixels) for any radius.
    /// </summary>
    public static bool[] EdgeBand(GrayMask mask, int radius)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        int w = mask.Width, h = mask.Height;
        var m = mask.Pixels;

        // sat[(y+1)·(w+1) + (x+1)] = subject pixels in [0..x] × [0..y].
        var sat = new int[(w + 1) * (h + 1)];
        for (var y = 0; y < h; y++)
        {
            var rowSum = 0;
            for (var x = 0; x < w; x++)
            {
                rowSum += m[(y * w) + x] >= HalfThreshold ? 1 : 0;
                sat[((y + 1) * (w + 1)) + x + 1] = sat[(y * (w + 1)) + x + 1] + rowSum;
            }
        }

        var band = new bool[w * h];
        for (var y = 0; y < h; y++)
        {
            int top = Math.Max(0, y - radius), bottom = Math.Min(h - 1, y + radius);
            for (var x = 0; x < w; x++)
            {
                int left = Math.Max(0, x - radius), right = Math.Min(w - 1, x + radius);
                var subject = sat[((bottom + 1) * (w + 1)) + right + 1] - sat[(top * (w + 1)) + right + 1]
                    - sat[((bottom + 1) * (w + 1)) + left] + sat[(top * (w + 1)) + left];
                var area = (bottom - top + 1) * (right - left + 1);
                band[(y * w) + x] = subject > 0 && subject < area;
            }
        }

        return band;
    }

    private static (byte[] Predicted, byte[] Truth) Pixels(GrayMask predicted, GrayMask truth)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        if (!predicted.SameSizeAs(truth))
        {
            throw new ArgumentException(
                $"Predicted {predicted.Width}x{predicted.Height} and ground truth {truth.Width}x{truth.Height} differ in size.");
        }

        return (predicted.Pixels, truth.Pixels);
    }
}

/// <summary>Precision and recall of one image at each of the <see cref="Metrics.ThresholdCount"/> thresholds.</summary>
internal sealed record PrecisionRecall(double[] Precision, double[] Recall);
