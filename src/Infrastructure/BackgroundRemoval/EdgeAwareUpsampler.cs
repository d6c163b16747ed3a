using System.Buffers;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.Imaging;

namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>
/// Brings a model's low-resolution matte to the photo's resolution guided by the photo itself (fast guided filter):
/// the guided-filter coefficients are solved on a working grid of at most <see cref="WorkingSide"/> pixels a side,
/// upsampled bilinearly, and applied to the full-resolution luma. Edges therefore follow the photo's real edges
/// instead of a stretched 1024² mask, and memory stays bounded by the working grid, not the photo.
/// </summary>
internal static class EdgeAwareUpsampler
{
    /// <summary>Longest side of the grid the filter is solved on; about the model's own resolution.</summary>
    public const int WorkingSide = 1024;

    public static void Apply(
        RgbaImage photo,
        ReadOnlySpan<float> matte,
        int matteWidth,
        int matteHeight,
        int radius,
        float epsilon,
        AlphaMask destination)
    {
        var (ww, wh) = WorkingSize(photo.Width, photo.Height);
        var n = ww * wh;
        var floats = ArrayPool<float>.Shared;
        var guide = floats.Rent(n);
        var input = floats.Rent(n);
        var meanA = floats.Rent(n);
        var meanB = floats.Rent(n);
        try
        {
            WorkingGuide(photo, ww, wh, guide.AsSpan(0, n));
            MaskResampler.Resize(matte, matteWidth, matteHeight, input.AsSpan(0, n), ww, wh);
            var r = WorkingRadius(radius, ww, wh, matteWidth, matteHeight);
            GuidedFilter.Coefficients(guide.AsSpan(0, n), input.AsSpan(0, n), ww, wh, r, epsilon, meanA.AsSpan(0, n), meanB.AsSpan(0, n));
            Evaluate(photo, meanA.AsSpan(0, n), meanB.AsSpan(0, n), ww, wh, destination);
        }
        finally
        {
            floats.Return(guide);
            floats.Return(input);
            floats.Return(meanA);
            floats.Return(meanB);
        }
    }

    /// <summary>The photo's size scaled down (never up) so its longest side is at most <see cref="WorkingSide"/>.</summary>
    public static (int Width, int Height) WorkingSize(int width, int height)
    {
        var longest = Math.Max(width, height);
        if (longest <= WorkingSide)
        {
            return (width, height);
        }

        var scale = (double)WorkingSide / longest;
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>
    /// The filter radius on the working grid: the configured radius (defined at 1024 px) scaled to the grid, but at
    /// least twice the matte's own upsampling factor, because a window narrower than the blur a coarse matte brings
    /// (a 320² model on a 1024 grid) cannot find the edge inside it.
    /// </summary>
    public static int WorkingRadius(int radius, int ww, int wh, int matteWidth, int matteHeight)
    {
        var scaled = radius * Math.Max(ww, wh) / (float)WorkingSide;
        var upsampling = Math.Max(ww / (float)matteWidth, wh / (float)matteHeight);
        return Math.Max(1, (int)MathF.Round(Math.Max(scaled, 2 * upsampling)));
    }

    private static void WorkingGuide(RgbaImage photo, int ww, int wh, Span<float> guide)
    {
        if (ww == photo.Width && wh == photo.Height)
        {
            TensorLayout.Luma(photo.Span, guide);
            return;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(ww * wh * 4);
        try
        {
            SkiaResampler.Resize(photo, bytes, ww, wh);
            TensorLayout.Luma(bytes.AsSpan(0, ww * wh * 4), guide);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>q = A·I + B at full resolution, with A and B interpolated from the working grid and I the photo's luma.</summary>
    private static void Evaluate(RgbaImage photo, ReadOnlySpan<float> meanA, ReadOnlySpan<float> meanB, int ww, int wh, AlphaMask destination)
    {
        int w = photo.Width, h = photo.Height;
        var columns = MaskResampler.Taps.Create(ww, w);
        var rows = MaskResampler.Taps.Create(wh, h);
        var pixels = photo.Span;
        var alpha = destination.Span;
        const float R = 0.299f / 255f, G = 0.587f / 255f, B = 0.114f / 255f;
        for (var y = 0; y < h; y++)
        {
            int top = rows.Lower[y] * ww, bottom = rows.Upper[y] * ww;
            var fy = rows.Fraction[y];
            for (var x = 0; x < w; x++)
            {
                int x0 = columns.Lower[x], x1 = columns.Upper[x];
                var fx = columns.Fraction[x];
                var a = Lerp2(meanA, top, bottom, x0, x1, fx, fy);
                var b = Lerp2(meanB, top, bottom, x0, x1, fx, fy);
                var p = ((y * w) + x) * 4;
                var luma = (pixels[p] * R) + (pixels[p + 1] * G) + (pixels[p + 2] * B);
                alpha[(y * w) + x] = MaskResampler.ToByte((a * luma) + b);
            }
        }
    }

    private static float Lerp2(ReadOnlySpan<float> plane, int top, int bottom, int x0, int x1, float fx, float fy)
    {
        var upper = plane[top + x0] + ((plane[top + x1] - plane[top + x0]) * fx);
        var lower = plane[bottom + x0] + ((plane[bottom + x1] - plane[bottom + x0]) * fx);
        return upper + ((lower - upper) * fy);
    }
}
