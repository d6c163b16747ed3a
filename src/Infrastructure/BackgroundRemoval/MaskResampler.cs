namespace FapiHub.Infrastructure.BackgroundRemoval;

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
            var top = source.Slice(rows.Lower[y] * sw, sw);
            var bottom = source.Slice(rows.Upper[y] * sw, sw);
            var fy = rows.Fraction[y];
            var output = destination.Slice(y * dw, dw);
            for (var x = 0; x < dw; x++)
            {
                output[x] = Sample(top, bottom, columns, x, fy);
            }
        }
    }

    /// <summary>Resamples and quantises to bytes in one pass (values are clamped to 0–1 first).</summary>
    public static void ResizeToBytes(ReadOnlySpan<float> source, int sw, int sh, Span<byte> destination, int dw, int dh)
    {
        var columns = Taps.Create(sw, dw);
        var rows = Taps.Create(sh, dh);
        for (var y = 0; y < dh; y++)
        {
            var top = source.Slice(rows.Lower[y] * sw, sw);
            var bottom = source.Slice(rows.Upper[y] * sw, sw);
            var fy = rows.Fraction[y];
            var output = destination.Slice(y * dw, dw);
            for (var x = 0; x < dw; x++)
            {
                output[x] = ToByte(Sample(top, bottom, columns, x, fy));
            }
        }
    }

    public static byte ToByte(float value) => (byte)((Math.Clamp(value, 0f, 1f) * 255f) + 0.5f);

    private static float Sample(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, Taps columns, int x, float fy)
    {
        var x0 = columns.Lower[x];
        var x1 = columns.Upper[x];
        var fx = columns.Fraction[x];
        var upper = top[x0] + ((top[x1] - top[x0]) * fx);
        var lower = bottom[x0] + ((bottom[x1] - bottom[x0]) * fx);
        return upper + ((lower - upper) * fy);
    }

    /// <summary>For each destination index: the two source indices around it and the weight of the second.</summary>
    internal sealed class Taps
    {
        private Taps(int count)
        {
            Lower = new int[count];
            Upper = new int[count];
            Fraction = new float[count];
        }

        public int[] Lower { get; }

        public int[] Upper { get; }

        public float[] Fraction { get; }

        public static Taps Create(int sourceLength, int destinationLength)
        {
            var taps = new Taps(destinationLength);
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
