namespace FapiHub.Infrastructure.BackgroundRemoval.Matting;

/// <summary>
/// The small per-pixel kernels the refinement, the decontamination and the tensor layout share: Rec. 601 luma,
/// 0–1 to byte quantisation, RGBA de-interleaving into planes and the bilinear tap of a float plane.
/// </summary>
internal static class PixelKernels
{
    /// <summary>Rec. 601 weights, pre-divided by 255 so a byte channel gives luma in 0–1.</summary>
    private const float LumaRed = 0.299f / 255f, LumaGreen = 0.587f / 255f, LumaBlue = 0.114f / 255f;

    /// <summary>Rec. 601 luma in 0–1 of one 8-bit RGB pixel.</summary>
    public static float Luma(byte red, byte green, byte blue) => (red * LumaRed) + (green * LumaGreen) + (blue * LumaBlue);

    /// <summary>Rec. 601 luma in 0–1 of RGBA pixels: the guide of the grey guided filter.</summary>
    public static void Luma(ReadOnlySpan<byte> rgba, Span<float> luma)
    {
        for (int i = 0, p = 0; i < luma.Length; i++, p += 4)
        {
            luma[i] = Luma(rgba[p], rgba[p + 1], rgba[p + 2]);
        }
    }

    /// <summary>A 0–1 value (clamped) as a byte, rounded to nearest.</summary>
    public static byte ToByte(float value) => (byte)((Math.Clamp(value, 0f, 1f) * 255f) + 0.5f);

    /// <summary>The R, G and B channels of RGBA pixels as three float planes of the raw 0–255 values (alpha dropped).</summary>
    public static void Deinterleave(ReadOnlySpan<byte> rgba, Span<float> red, Span<float> green, Span<float> blue)
    {
        for (int i = 0, p = 0; i < red.Length; i++, p += 4)
        {
            red[i] = rgba[p];
            green[i] = rgba[p + 1];
            blue[i] = rgba[p + 2];
        }
    }

    /// <summary>
    /// Bilinear tap of <paramref name="plane"/>: rows start at <paramref name="top"/> and <paramref name="bottom"/>,
    /// columns at <paramref name="x0"/> and <paramref name="x1"/> (offsets, so strided channels work too), weights
    /// <paramref name="fx"/> and <paramref name="fy"/> of the second row and column.
    /// </summary>
    public static float Bilinear(ReadOnlySpan<float> plane, int top, int bottom, int x0, int x1, float fx, float fy)
    {
        var upper = plane[top + x0] + ((plane[top + x1] - plane[top + x0]) * fx);
        var lower = plane[bottom + x0] + ((plane[bottom + x1] - plane[bottom + x0]) * fx);
        return upper + ((lower - upper) * fy);
    }
}
