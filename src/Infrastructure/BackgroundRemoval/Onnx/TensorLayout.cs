using System.Numerics.Tensors;
using FapiHub.Infrastructure.BackgroundRemoval.Matting;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>Conversions between interleaved 8-bit pixels and the planar float tensors models consume.</summary>
internal static class TensorLayout
{
    /// <summary>
    /// Writes RGBA pixels as an NCHW tensor (R plane, G plane, B plane) normalised per channel as
    /// <c>(v − mean) / std</c>: one pass de-interleaves the bytes into the planes, then each plane is normalised with
    /// vectorised arithmetic.
    /// </summary>
    public static void FillNchw(ReadOnlySpan<byte> rgba, int pixelCount, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, Span<float> tensor)
    {
        var red = tensor[..pixelCount];
        var green = tensor.Slice(pixelCount, pixelCount);
        var blue = tensor.Slice(2 * pixelCount, pixelCount);
        PixelKernels.Deinterleave(rgba, red, green, blue);
        Normalise(red, mean[0], std[0]);
        Normalise(green, mean[1], std[1]);
        Normalise(blue, mean[2], std[2]);
    }

    /// <summary>(v − mean) / std as two vectorised passes over the plane.</summary>
    private static void Normalise(Span<float> plane, float mean, float std)
    {
        TensorPrimitives.Subtract(plane, mean, plane);
        TensorPrimitives.Multiply(plane, 1f / std, plane);
    }

    /// <summary>Mirrors every row of every <paramref name="width"/>-wide plane in place: the tensor of the photo's mirror image.</summary>
    public static void MirrorRows(Span<float> planes, int width)
    {
        for (var row = 0; row + width <= planes.Length; row += width)
        {
            planes.Slice(row, width).Reverse();
        }
    }

    /// <summary>
    /// <paramref name="matte"/> becomes the mean of itself and <paramref name="mirrored"/> (the matte of the mirror
    /// image, mirrored back here; its contents are consumed).
    /// </summary>
    public static void AverageWithMirrored(Span<float> matte, Span<float> mirrored, int width)
    {
        MirrorRows(mirrored, width);
        TensorPrimitives.Add(matte, mirrored, matte);
        TensorPrimitives.Multiply(matte, 0.5f, matte);
    }

    /// <summary>
    /// <paramref name="matte"/> moves towards <paramref name="view"/> by <paramref name="weight"/> (0–1): with weight
    /// 1/n, a matte that averages n − 1 views becomes the average of n.
    /// </summary>
    public static void BlendIn(Span<float> matte, ReadOnlySpan<float> view, float weight) =>
        TensorPrimitives.Lerp(matte, view, weight, matte);

    /// <summary>Maps raw model output to a 0–1 matte in place (vectorised).</summary>
    public static void Activate(Span<float> values, OutputActivation activation)
    {
        switch (activation)
        {
            case OutputActivation.Sigmoid:
                TensorPrimitives.Sigmoid(values, values);
                break;
            case OutputActivation.MinMax:
                var min = TensorPrimitives.Min(values);
                var range = TensorPrimitives.Max(values) - min;
                var scale = range > 1e-12f ? 1f / range : 0f;
                TensorPrimitives.Subtract(values, min, values);
                TensorPrimitives.Multiply(values, scale, values);
                break;
            default:
                TensorPrimitives.Max(values, 0f, values);
                TensorPrimitives.Min(values, 1f, values);
                break;
        }
    }
}
