using System.Buffers;
using System.Numerics.Tensors;

namespace FapiHub.Infrastructure.BackgroundRemoval;

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
        using var buffer = new PooledBuffer<float>(4 * n);
        Span<float> meanI = buffer.Span[..n], meanP = buffer.Span.Slice(n, n), product = buffer.Span.Slice(2 * n, n), scratch = buffer.Span.Slice(3 * n, n);
        meanA = meanA[..n];
        meanB = meanB[..n];
        BoxMean(guide, meanI, width, height, radius, scratch);
        BoxMean(input, meanP, width, height, radius, scratch);

        // var(I) = mean(I·I) − mean(I)²; kept in meanA's buffer until a is known.
        TensorPrimitives.Multiply(guide[..n], guide[..n], product);
        BoxMean(product, meanA, width, height, radius, scratch);

        // cov(I, p) = mean(I·p) − mean(I)·mean(p); kept in meanB's buffer.
        TensorPrimitives.Multiply(guide[..n], input[..n], product);
        BoxMean(product, meanB, width, height, radius, scratch);

        // a = cov / (var + ε) into product; b = mean(p) − a·mean(I) into meanP.
        TensorPrimitives.Multiply(meanI, meanI, scratch);
        TensorPrimitives.Subtract(meanA, scratch, meanA);
        TensorPrimitives.Add(meanA, epsilon, meanA);
        TensorPrimitives.Multiply(meanI, meanP, scratch);
        TensorPrimitives.Subtract(meanB, scratch, meanB);
        TensorPrimitives.Divide(meanB, meanA, product);
        TensorPrimitives.Multiply(product, meanI, scratch);
        TensorPrimitives.Subtract(meanP, scratch, meanP);

        BoxMean(product, meanA, width, height, radius, scratch);
        BoxMean(meanP, meanB, width, height, radius, scratch);
    }

    /// <summary>Mean over the (2r+1)² window clipped to the image, normalised by the clipped window's area.</summary>
    public static void BoxMean(ReadOnlySpan<float> source, Span<float> destination, int width, int height, int radius, Span<float> scratch)
    {
        // Horizontal pass into scratch, with a running sum per row.
        for (var y = 0; y < height; y++)
        {
            var row = source.Slice(y * width, width);
            var output = scratch.Slice(y * width, width);
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

        // Vertical pass: running column sums, sliding down one row at a time (row-major, cache friendly).
        var columnSums = ArrayPool<double>.Shared.Rent(width);
        try
        {
            var sums = columnSums.AsSpan(0, width);
            sums.Clear();
            for (var y = 0; y <= Math.Min(radius, height - 1); y++)
            {
                Accumulate(sums, scratch.Slice(y * width, width), 1);
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
                    Accumulate(sums, scratch.Slice((hi + 1) * width, width), 1);
                }

                if (lo >= 0)
                {
                    Accumulate(sums, scratch.Slice(lo * width, width), -1);
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(columnSums);
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
