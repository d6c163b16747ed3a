namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>Conversions between interleaved 8-bit pixels and the planar float tensors models consume.</summary>
internal static class TensorLayout
{
    /// <summary>
    /// Writes RGBA pixels as an NCHW tensor (R plane, G plane, B plane) normalised per channel as
    /// <c>(v − mean) / std</c>, in one pass over the pixels.
    /// </summary>
    public static void FillNchw(ReadOnlySpan<byte> rgba, int pixelCount, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, Span<float> tensor)
    {
        var red = tensor[..pixelCount];
        var green = tensor.Slice(pixelCount, pixelCount);
        var blue = tensor.Slice(2 * pixelCount, pixelCount);
        float mr = mean[0], mg = mean[1], mb = mean[2];
        float sr = 1f / std[0], sg = 1f / std[1], sb = 1f / std[2];
        for (int i = 0, p = 0; i < pixelCount; i++, p += 4)
        {
            red[i] = (rgba[p] - mr) * sr;
            green[i] = (rgba[p + 1] - mg) * sg;
            blue[i] = (rgba[p + 2] - mb) * sb;
        }
    }

    /// <summary>Rec. 601 luma of RGBA pixels in 0–1: the guide of the grey guided filter.</summary>
    public static void Luma(ReadOnlySpan<byte> rgba, Span<float> luma)
    {
        const float R = 0.299f / 255f, G = 0.587f / 255f, B = 0.114f / 255f;
        for (int i = 0, p = 0; i < luma.Length; i++, p += 4)
        {
            luma[i] = (rgba[p] * R) + (rgba[p + 1] * G) + (rgba[p + 2] * B);
        }
    }

    /// <summary>Maps raw model output to a 0–1 matte in place.</summary>
    public static void Activate(Span<float> values, OutputActivation activation)
    {
        switch (activation)
        {
            case OutputActivation.Sigmoid:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = 1f / (1f + MathF.Exp(-values[i]));
                }

                break;
            case OutputActivation.MinMax:
                float min = float.MaxValue, max = float.MinValue;
                foreach (var v in values)
                {
                    min = MathF.Min(min, v);
                    max = MathF.Max(max, v);
                }

                var range = max - min;
                var scale = range > 1e-12f ? 1f / range : 0f;
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (values[i] - min) * scale;
                }

                break;
            default:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = Math.Clamp(values[i], 0f, 1f);
                }

                break;
        }
    }
}
