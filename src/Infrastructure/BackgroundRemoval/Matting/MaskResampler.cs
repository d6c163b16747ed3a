using FapiHub.Infrastructure.BackgroundRemoval.Memory;

namespace FapiHub.Infrastructure.BackgroundRemoval.Matting;

/// <summary>
/// Bilinear resampling of single-channel float planes with pixel-centre alignment (the convention of
/// Skia, OpenCV and PIL), so a mask upsampled here lines up with the photo it was predicted from.
/// </summary>
internal static class MaskResampler
{
    /// <summary>Resamples <paramref name="source"/> (sw × sh) into <paramref name="destination"/> (dw × dh).</summary>
    public static void Resize(ReadOnlySpan<float> source, int sw, int sh, Span<float> destination, int dw, int dh)
    {
        var columns = Taps.Create(sw, dw);
        var rows = Taps.Create(sh, dh);
        for (var y = 0; y < dh; y++)
        {
            SampleRow(source, sw, rows, y, columns, destination.Slice(y * dw, dw));
        }
    }

    /// <summary>Resamples and quantises to bytes (values clamped to 0–1), one float row at a time.</summary>
    public static void ResizeToBytes(ReadOnlySpan<float> source, int sw, int sh, Span<byte> destination, int dw, int dh)
    {
        var columns = Taps.Create(sw, dw);
        var rows = Taps.Create(sh, dh);
        using var row = new PooledBuffer<float>(dw);
        var values = row.Span;
        for (var y = 0; y < dh; y++)
        {
            SampleRow(source, sw, rows, y, columns, values);
            var output = destination.Slice(y * dw, dw);
            for (var x = 0; x < dw; x++)
            {
                output[x] = PixelKernels.ToByte(values[x]);
            }
        }
    }

    /// <summary>Output row <paramref name="y"/>: each value interpolated from the two source rows around it.</summary>
    private static void SampleRow(ReadOnlySpan<float> source, int sw, Taps rows, int y, Taps columns, Span<float> output)
    {
        int top = rows.Lower[y] * sw, bottom = rows.Upper[y] * sw;
        var fy = rows.Fraction[y];
        for (var x = 0; x < output.Length; x++)
        {
            output[x] = PixelKernels.Bilinear(source, top, bottom, columns.Lower[x], columns.Upper[x], columns.Fraction[x], fy);
        }
    }

    /// <summary>For each destination index: the two source indices around it and the weight of the second.</summary>
    internal sealed record Taps(int[] Lower, int[] Upper, float[] Fraction)
    {
        public static Taps Create(int sourceLength, int destinationLength)
        {
            var taps = new Taps(new int[destinationLength], new int[destinationLength], new float[destinationLength]);
            var scale = (double)sourceLength / destinationLength;
            for (var i = 0; i < destinationLength; i++)
            {
                var position = Math.Clamp(((i + 0.5) * scale) - 0.5, 0, sourceLength - 1);
                var lower = (int)position;
                taps.Lower[i] = lower;
                taps.Upper[i] = Math.Min(lower + 1, sourceLength - 1);
                taps.Fraction[i] = (float)(position - lower);
            }

            return taps;
        }
    }
}
