using System.Numerics.Tensors;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;

namespace FapiHub.Infrastructure.BackgroundRemoval.Matting;

/// <summary>
/// The grey-guide guided filter of He, Sun and Tang (ECCV 2010 / TPAMI 2013). The output is locally a linear
/// function of the guide, <c>q = a·I + b</c>, so wherever the photo has an edge the matte may have one too, and
/// where the photo is flat the matte is smoothed. Box means use running sums, so cost is O(pixels) for any radius.
/// </summary>
internal static class GuidedFilter
{
    /// <summary>
    /// Computes the box-averaged linear coefficients (<paramref name="meanA"/>, <paramref name="meanB"/>) of the filter
    /// for guide <paramref name="guide"/> and input <paramref name="input"/>, all <paramref name="width"/> × <paramref name="height"/>.
    /// Evaluating <c>meanA·I + meanB</c> at this resolution is the classic filter; evaluating it on an upsampled grid with
    /// the full-resolution guide is the fast guided filter (He and Sun, 2015).
    /// </summary>
    public static void Coefficients(
        ReadOnlySpan<float> guide,
        ReadOnlySpan<float> input,
        int width,
        int height,
        int radius,
        float epsilon,
        Span<float> meanA,
        Span<float> meanB)
    {
        var n = width * height;
        using var buffer = new PooledBuffer<float>(3 * n);
        Span<float> meanI = buffer.Span[..n], meanP = buffer.Span.Slice(n, n), product = buffer.Span.Slice(2 * n, n);
        meanA = meanA[..n];
        meanB = meanB[..n];
        BoxMean(guide, meanI, width, height, radius);
        BoxMean(input, meanP, width, height, radius);

        // var(I) = mean(I·I) − mean(I)²; kept in meanA's buffer until a is known.
        MeanOfProduct(guide, guide, meanA, width, height, radius, product);

        // cov(I, p) = mean(I·p) − mean(I)·mean(p); kept in meanB's buffer.
        MeanOfProduct(guide, input, meanB, width, height, radius, product);

        // a = cov / (var + ε) into product (until then the temporary); b = mean(p) − a·mean(I) into meanP, with a·mean(I)
        // in meanI's buffer, not needed after.
        TensorPrimitives.Multiply(meanI, meanI, product);
        TensorPrimitives.Subtract(meanA, product, meanA);
        TensorPrimitives.Add(meanA, epsilon, meanA);
        TensorPrimitives.Multiply(meanI, meanP, product);
        TensorPrimitives.Subtract(meanB, product, meanB);
        TensorPrimitives.Divide(meanB, meanA, product);
        TensorPrimitives.Multiply(product, meanI, meanI);
        TensorPrimitives.Subtract(meanP, meanI, meanP);

        BoxMean(product, meanA, width, height, radius);
        BoxMean(meanP, meanB, width, height, radius);
    }

    /// <summary>
    /// Mean over the (2r+1)² window clipped to the image, normalised by the clipped window's area: running sums along
    /// each row, then running column sums down the rows. Only the 2r + 2 row means the column sums still need are kept
    /// (a ring of rows), never a whole scratch plane.
    /// </summary>
    public static void BoxMean(ReadOnlySpan<float> source, Span<float> destination, int width, int height, int radius)
    {
        var ringRows = Math.Min(height, (2 * radius) + 2);
        using var ring = new PooledBuffer<float>(ringRows * width);
        using var columnSums = new PooledBuffer<double>(width);
        var sums = columnSums.Span;
        sums.Clear();
        Span<float> RowMean(int y) => ring.Span.Slice(y % ringRows * width, width);
        for (var y = 0; y <= Math.Min(radius, height - 1); y++)
        {
            HorizontalMean(source.Slice(y * width, width), RowMean(y), radius);
            Accumulate(sums, RowMean(y), 1);
        }

        for (var y = 0; y < height; y++)
        {
            var lo = y - radius;
            var hi = y + radius;
            var count = Math.Min(hi, height - 1) - Math.Max(lo, 0) + 1;
            var output = destination.Slice(y * width, width);
            for (var x = 0; x < width; x++)
            {
                output[x] = (float)(sums[x] / count);
            }

            if (hi + 1 < height)
            {
                HorizontalMean(source.Slice((hi + 1) * width, width), RowMean(hi + 1), radius);
                Accumulate(sums, RowMean(hi + 1), 1);
            }

            if (lo >= 0)
            {
                Accumulate(sums, RowMean(lo), -1);
            }
        }
    }

    /// <summary>The box mean of <c>left · right</c> into <paramref name="destination"/>, with <paramref name="product"/> as scratch.</summary>
    public static void MeanOfProduct(
        ReadOnlySpan<float> left,
        ReadOnlySpan<float> right,
        Span<float> destination,
        int width,
        int height,
        int radius,
        Span<float> product)
    {
        TensorPrimitives.Multiply(left[..product.Length], right[..product.Length], product);
        BoxMean(product, destination, width, height, radius);
    }

    /// <summary>One row's means over the 2r + 1 window clipped to the row, with a running sum.</summary>
    private static void HorizontalMean(ReadOnlySpan<float> row, Span<float> output, int radius)
    {
        var width = row.Length;
        double sum = 0;
        var hi = Math.Min(radius, width - 1);
        for (var x = 0; x <= hi; x++)
        {
            sum += row[x];
        }

        for (var x = 0; x < width; x++)
        {
            var lo = x - radius;
            hi = x + radius;
            var count = Math.Min(hi, width - 1) - Math.Max(lo, 0) + 1;
            output[x] = (float)(sum / count);
            if (hi + 1 < width)
            {
                sum += row[hi + 1];
            }

            if (lo >= 0)
            {
                sum -= row[lo];
            }
        }
    }

    private static void Accumulate(Span<double> sums, ReadOnlySpan<float> row, int sign)
    {
        for (var x = 0; x < sums.Length; x++)
        {
            sums[x] += sign * row[x];
        }
    }
}
