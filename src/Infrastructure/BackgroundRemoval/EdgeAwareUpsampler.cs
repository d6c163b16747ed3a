using System.Buffers;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.Imaging;

namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>How <see cref="EdgeAwareUpsampler"/> refines: the guide, the filter's window and regularisation, and the snap.</summary>
/// <param name="ColorGuide">Guide with the photo's three channels (<see cref="ColorGuidedFilter"/>) instead of its luma.</param>
/// <param name="Radius">Window radius in pixels of a 1024-pixel working image (scaled for other sizes).</param>
/// <param name="Epsilon">Regularisation: guide variance (0–1 units) below which the matte is smoothed rather than made to follow the photo.</param>
/// <param name="Snap">Output values within this distance of 0 or 1 become exactly 0 or 1; 0 turns it off.</param>
internal readonly record struct EdgeAwareSettings(bool ColorGuide, int Radius, float Epsilon, float Snap = 0f);

/// <summary>
/// Brings a model's matte to the photo's resolution guided by the photo itself (fast guided filter): the guided-filter
/// coefficients are solved on a working grid of at most <see cref="WorkingSide"/> pixels a side (the photo itself when
/// it is smaller), upsampled bilinearly, and applied to the full-resolution photo. Edges therefore follow the photo's
/// real edges instead of a stretched 1024² mask, and memory stays bounded by the working grid, not the photo: the
/// full-resolution pass streams row by row and only writes the output mask.
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
        EdgeAwareSettings settings,
        AlphaMask destination)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(destination);
        var (ww, wh) = WorkingSize(photo.Width, photo.Height);
        var n = ww * wh;
        var planes = settings.ColorGuide ? 3 : 1;
        var floats = ArrayPool<float>.Shared;
        var guide = floats.Rent(planes * n);
        var input = floats.Rent(n);
        var coefficients = floats.Rent((planes + 1) * n);
        try
        {
            WorkingGuide(photo, ww, wh, settings.ColorGuide, guide.AsSpan(0, planes * n));
            MaskResampler.Resize(matte, matteWidth, matteHeight, input.AsSpan(0, n), ww, wh);
            var r = WorkingRadius(settings.Radius, ww, wh, matteWidth, matteHeight);
            var g = guide.AsSpan(0, planes * n);
            var c = coefficients.AsSpan(0, (planes + 1) * n);
            if (settings.ColorGuide)
            {
                ColorGuidedFilter.Coefficients(
                    g[..n], g.Slice(n, n), g.Slice(2 * n, n), input.AsSpan(0, n), ww, wh, r, settings.Epsilon,
                    c[..n], c.Slice(n, n), c.Slice(2 * n, n), c.Slice(3 * n, n));
            }
            else
            {
                GuidedFilter.Coefficients(g, input.AsSpan(0, n), ww, wh, r, settings.Epsilon, c[..n], c.Slice(n, n));
            }

            Evaluate(photo, c, planes, ww, wh, settings.Snap, destination);
        }
        finally
        {
            floats.Return(guide);
            floats.Return(input);
            floats.Return(coefficients);
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

    /// <summary>Values within <paramref name="snap"/> of 0 or 1 become exactly 0 or 1.</summary>
    public static float Snap(float value, float snap) =>
        value <= snap ? 0f : value >= 1f - snap ? 1f : value;

    /// <summary>The guide on the working grid, 0–1: one luma plane, or the R, G and B planes one after the other.</summary>
    private static void WorkingGuide(RgbaImage photo, int ww, int wh, bool color, Span<float> guide)
    {
        var n = ww * wh;
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> pixels;
            if (ww == photo.Width && wh == photo.Height)
            {
                pixels = photo.Span;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(n * 4);
                SkiaResampler.Resize(photo, rented, ww, wh);
                pixels = rented.AsSpan(0, n * 4);
            }

            if (!color)
            {
                TensorLayout.Luma(pixels, guide);
                return;
            }

            for (int i = 0, p = 0; i < n; i++, p += 4)
            {
                guide[i] = pixels[p] / 255f;
                guide[n + i] = pixels[p + 1] / 255f;
                guide[(2 * n) + i] = pixels[p + 2] / 255f;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// q = A·I + B at full resolution, with the coefficient planes interpolated from the working grid and I the
    /// photo's luma (one plane of A) or its colour (three), then snapped and quantised.
    /// </summary>
    private static void Evaluate(RgbaImage photo, ReadOnlySpan<float> coefficients, int planes, int ww, int wh, float snap, AlphaMask destination)
    {
        int w = photo.Width, h = photo.Height, n = ww * wh;
        var columns = MaskResampler.Taps.Create(ww, w);
        var rows = MaskResampler.Taps.Create(wh, h);
        var pixels = photo.Span;
        var alpha = destination.Span;
        const float R = 0.299f / 255f, G = 0.587f / 255f, B = 0.114f / 255f;
        const float Unit = 1f / 255f;
        var offset = coefficients.Slice(planes * n, n);
        for (var y = 0; y < h; y++)
        {
            int top = rows.Lower[y] * ww, bottom = rows.Upper[y] * ww;
            var fy = rows.Fraction[y];
            for (var x = 0; x < w; x++)
            {
                int x0 = columns.Lower[x], x1 = columns.Upper[x];
                var fx = columns.Fraction[x];
                var p = ((y * w) + x) * 4;
                var q = Lerp2(offset, top, bottom, x0, x1, fx, fy);
                if (planes == 1)
                {
                    var luma = (pixels[p] * R) + (pixels[p + 1] * G) + (pixels[p + 2] * B);
                    q += Lerp2(coefficients[..n], top, bottom, x0, x1, fx, fy) * luma;
                }
                else
                {
                    q += Lerp2(coefficients[..n], top, bottom, x0, x1, fx, fy) * pixels[p] * Unit;
                    q += Lerp2(coefficients.Slice(n, n), top, bottom, x0, x1, fx, fy) * pixels[p + 1] * Unit;
                    q += Lerp2(coefficients.Slice(2 * n, n), top, bottom, x0, x1, fx, fy) * pixels[p + 2] * Unit;
                }

                alpha[(y * w) + x] = MaskResampler.ToByte(Snap(q, snap));
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
