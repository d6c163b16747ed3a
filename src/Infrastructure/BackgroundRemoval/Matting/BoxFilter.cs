using System.Numerics.Tensors;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;

namespace FapiHub.Infrastructure.BackgroundRemoval.Matting;

/// <summary>
/// Means over the (2r+1)² window clipped to the image, normalised by the clipped window's area — the box filter the
/// guided filters are built of. Separable: window sums along each row, then sums of those down the rows, both as whole-row
/// vector additions of shifted rows (<see cref="TensorPrimitives"/>), so a clipped window at a border needs no special
/// case and every sum is a fresh sum of at most (2r+1)² values (no running sum that drifts). That costs O(r) per
/// pixel, a handful of vector additions for the radii the catalogue uses; above <see cref="DirectRadius"/> running sums
/// in double take over, O(1) per pixel.
/// Only the 2r + 1 row sums the current output row needs are kept (a ring of rows), never a whole scratch plane.
/// </summary>
internal static class BoxFilter
{
    /// <summary>Largest radius summed directly; larger windows use running sums.</summary>
    private const int DirectRadius = 12;

    /// <summary>The box mean of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void Mean(ReadOnlySpan<float> source, Span<float> destination, int width, int height, int radius) =>
        MeanOfProduct(source, default, destination, width, height, radius);

    /// <summary>
    /// The box mean of <c>left · right</c> (element-wise; of <paramref name="left"/> alone when <paramref name="right"/> is
    /// empty) into <paramref name="destination"/>. The product is formed one row at a time, never as a plane.
    /// </summary>
    public static void MeanOfProduct(ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> destination, int width, int height, int radius)
    {
        if (radius > DirectRadius)
        {
            RunningMean(left, right, destination, width, height, radius);
            return;
        }

        var ringRows = Math.Min(height, (2 * radius) + 1);
        using var buffer = new PooledBuffer<float>(((ringRows + 2) * width) + height);
        var product = buffer.Span.Slice(ringRows * width, width);
        var inverseColumns = buffer.Span.Slice((ringRows + 1) * width, width);
        var inverseRows = buffer.Span.Slice((ringRows + 2) * width, height);
        InverseCounts(inverseColumns, radius);
        InverseCounts(inverseRows, radius);
        Span<float> RowSum(int y) => buffer.Span.Slice(y % ringRows * width, width);

        var computed = -1;
        for (var y = 0; y < height; y++)
        {
            var lo = Math.Max(0, y - radius);
            var hi = Math.Min(height - 1, y + radius);
            for (; computed < hi; computed++)
            {
                var row = computed + 1;
                ReadOnlySpan<float> values = left.Slice(row * width, width);
                if (!right.IsEmpty)
                {
                    TensorPrimitives.Multiply(values, right.Slice(row * width, width), product);
                    values = product;
                }

                WindowSums(values, RowSum(row), radius);
            }

            var output = destination.Slice(y * width, width);
            RowSum(lo).CopyTo(output);
            for (var k = lo + 1; k <= hi; k++)
            {
                TensorPrimitives.Add(output, RowSum(k), output);
            }

            TensorPrimitives.Multiply(output, inverseColumns, output);
            TensorPrimitives.Multiply(output, inverseRows[y], output);
        }
    }

    /// <summary>Each value's sum over the 2r + 1 window clipped to the row: the row plus r shifted copies each way.</summary>
    private static void WindowSums(ReadOnlySpan<float> row, Span<float> sums, int radius)
    {
        var width = row.Length;
        row.CopyTo(sums);
        for (var k = 1; k <= Math.Min(radius, width - 1); k++)
        {
            // Right neighbours k away (the last k values have none), then left neighbours.
            TensorPrimitives.Add(sums[..(width - k)], row[k..], sums[..(width - k)]);
            TensorPrimitives.Add(sums[k..], row[..(width - k)], sums[k..]);
        }
    }

    /// <summary>1 / the clipped window's length at each index of a line of <c>values.Length</c>.</summary>
    private static void InverseCounts(Span<float> values, int radius)
    {
        var length = values.Length;
        for (var i = 0; i < length; i++)
        {
            values[i] = 1f / (Math.Min(i + radius, length - 1) - Math.Max(i - radius, 0) + 1);
        }
    }

    /// <summary>Running sums along each row and down the columns, in double so a long run does not drift.</summary>
    private static void RunningMean(ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> destination, int width, int height, int radius)
    {
        var ringRows = Math.Min(height, (2 * radius) + 2);
        using var ring = new PooledBuffer<float>((ringRows + 1) * width);
        using var columnSums = new PooledBuffer<double>(width);
        var sums = columnSums.Span;
        sums.Clear();
        var product = ring.Span.Slice(ringRows * width, width);
        Span<float> RowMean(int y) => ring.Span.Slice(y % ringRows * width, width);
        for (var y = 0; y <= Math.Min(radius, height - 1); y++)
        {
            AddRow(left, right, y, width, radius, product, RowMean(y), sums);
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
                AddRow(left, right, hi + 1, width, radius, product, RowMean(hi + 1), sums);
            }

            if (lo >= 0)
            {
                Accumulate(sums, RowMean(lo), -1);
            }
        }
    }

    /// <summary>Row <paramref name="y"/>'s window means into <paramref name="mean"/>, added to the column sums.</summary>
    private static void AddRow(
        ReadOnlySpan<float> left, ReadOnlySpan<float> right, int y, int width, int radius, Span<float> product, Span<float> mean, Span<double> sums)
    {
        ReadOnlySpan<float> values = left.Slice(y * width, width);
        if (!right.IsEmpty)
        {
            TensorPrimitives.Multiply(values, right.Slice(y * width, width), product);
            values = product;
        }

        HorizontalMean(values, mean, radius);
        Accumulate(sums, mean, 1);
    }

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
