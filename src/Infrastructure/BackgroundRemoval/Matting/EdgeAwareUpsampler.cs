using System.Numerics.Tensors;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;

namespace FapiHub.Infrastructure.BackgroundRemoval.Matting;

/// <summary>How <see cref="EdgeAwareUpsampler"/> refines: the guide, the filter's window and regularisation, and the snap.</summary>
/// <param name="ColorGuide">Guide with the photo's three channels (<see cref="ColorGuidedFilter"/>) instead of its luma.</param>
/// <param name="Radius">Window radius in pixels of a 1024-pixel working image (scaled for other sizes).</param>
/// <param name="Epsilon">Regularisation: guide variance (0–1 units) below which the matte is smoothed rather than made to follow the photo.</param>
/// <param name="Snap">Output values within this distance of 0 or 1 become exactly 0 or 1; 0 turns it off.</param>
/// <param name="Subsample">The fast guided filter's s: the grid is the photo's (at most 1024 px a side) divided by s.</param>
internal readonly record struct EdgeAwareSettings(bool ColorGuide, int Radius, float Epsilon, float Snap = 0f, int Subsample = 1);

/// <summary>
/// Brings a model's matte to the photo's resolution guided by the photo itself (fast guided filter): the guided-filter
/// coefficients are solved on the <see cref="WorkingGrid"/> (at most 1024 pixels a side, the photo itself when it
/// is smaller, either divided by the subsampling s), upsampled bilinearly, and applied to the full-resolution photo. Edges therefore follow the photo's
/// real edges instead of a stretched 1024² mask, and memory stays bounded by the working grid, not the photo: the
/// full-resolution pass streams row by row and only writes the output mask.
/// </summary>
internal static class EdgeAwareUpsampler
{
    /// <summary>
    /// Refines into <paramref name="destination"/> on the photo's <paramref name="grid"/> (luma or colour, as the caller
    /// made it for <see cref="EdgeAwareSettings.ColorGuide"/>; still the caller's after, with its matte plane overwritten).
    /// </summary>
    public static void Apply(
        WorkingGrid grid,
        RgbaImage photo,
        ReadOnlySpan<float> matte,
        int matteWidth,
        int matteHeight,
        EdgeAwareSettings settings,
        AlphaMask destination)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(destination);
        int ww = grid.Width, wh = grid.Height, n = grid.Count;
        MaskResampler.Resize(matte, matteWidth, matteHeight, grid.Matte, ww, wh);
        var r = WorkingRadius(settings.Radius, ww, wh, matteWidth, matteHeight);
        using var coefficients = new PooledBuffer<float>((grid.Planes + 1) * n);
        var c = coefficients.Span;
        if (grid.Planes == 3)
        {
            ColorGuidedFilter.Coefficients(
                grid.Plane(0), grid.Plane(1), grid.Plane(2), grid.Matte, ww, wh, r, settings.Epsilon,
                c[..n], c.Slice(n, n), c.Slice(2 * n, n), c.Slice(3 * n, n));
        }
        else
        {
            GuidedFilter.Coefficients(grid.Plane(0), grid.Matte, ww, wh, r, settings.Epsilon, c[..n], c.Slice(n, n));
        }

        Evaluate(photo, c, grid.Planes, ww, wh, settings.Snap, destination);
    }

    /// <summary>
    /// The filter radius on the working grid: the configured radius (defined at 1024 px) scaled to the grid, but at
    /// least twice the matte's own upsampling factor, because a window narrower than the blur a coarse matte brings
    /// (a 320² model on a 1024 grid) cannot find the edge inside it.
    /// </summary>
    public static int WorkingRadius(int radius, int ww, int wh, int matteWidth, int matteHeight)
    {
        var scaled = radius * Math.Max(ww, wh) / (float)WorkingGrid.WorkingSide;
        var upsampling = Math.Max(ww / (float)matteWidth, wh / (float)matteHeight);
        return Math.Max(1, (int)MathF.Round(Math.Max(scaled, 2 * upsampling)));
    }

    /// <summary>Values within <paramref name="snap"/> of 0 or 1 become exactly 0 or 1.</summary>
    public static float Snap(float value, float snap) =>
        value <= snap ? 0f : value >= 1f - snap ? 1f : value;

    /// <summary>
    /// q = A·I + B at full resolution, with the coefficient planes interpolated from the working grid and I the
    /// photo's luma (one plane of A) or its colour (three), then snapped and quantised. One output row at a time: each
    /// plane's two grid rows are blended (vector lerp), then spread over the photo's columns, and the dot product with
    /// the photo's row runs as whole-row vector operations.
    /// </summary>
    private static void Evaluate(RgbaImage photo, ReadOnlySpan<float> coefficients, int planes, int ww, int wh, float snap, AlphaMask destination)
    {
        int w = photo.Width, h = photo.Height, n = ww * wh;
        var terms = planes + 1;
        var same = ww == w && wh == h;
        var columns = MaskResampler.Taps.Create(ww, w);
        var rows = MaskResampler.Taps.Create(wh, h);
        using var buffer = new PooledBuffer<float>((terms * (ww + w)) + (planes * w) + w);
        var scratch = buffer.Span;
        Span<float> Blended(int t) => buffer.Span.Slice(t * ww, ww);
        Span<float> Spread(int t) => buffer.Span.Slice((terms * ww) + (t * w), w);
        var guide = scratch.Slice(terms * (ww + w), planes * w);
        var q = scratch.Slice((terms * (ww + w)) + (planes * w), w);
        var pixels = photo.Span;
        var alpha = destination.Span;
        for (var y = 0; y < h; y++)
        {
            var rgba = pixels.Slice(y * w * 4, w * 4);
            if (planes == 1)
            {
                PixelKernels.Luma(rgba, guide);
            }
            else
            {
                PixelKernels.Deinterleave(rgba, guide[..w], guide.Slice(w, w), guide.Slice(2 * w, w));
            }

            for (var t = 0; t < terms; t++)
            {
                var plane = coefficients.Slice(t * n, n);
                if (same)
                {
                    plane.Slice(y * ww, ww).CopyTo(Spread(t));
                    continue;
                }

                var blended = Blended(t);
                TensorPrimitives.Lerp(plane.Slice(rows.Lower[y] * ww, ww), plane.Slice(rows.Upper[y] * ww, ww), rows.Fraction[y], blended);
                SpreadRow(blended, columns, Spread(t));
            }

            // Σ A_c·I_c (colour channels still 0–255, hence the 1/255 once), plus B.
            TensorPrimitives.Multiply(Spread(0), guide[..w], q);
            for (var c = 1; c < planes; c++)
            {
                TensorPrimitives.FusedMultiplyAdd(Spread(c), guide.Slice(c * w, w), q, q);
            }

            TensorPrimitives.FusedMultiplyAdd(q, planes == 1 ? 1f : 1f / 255f, Spread(planes), q);
            Quantise(q, snap, alpha.Slice(y * w, w));
        }
    }

    /// <summary>A grid row spread over the photo's columns by linear interpolation.</summary>
    private static void SpreadRow(ReadOnlySpan<float> row, MaskResampler.Taps columns, Span<float> output)
    {
        var lower = columns.Lower;
        var upper = columns.Upper;
        var fraction = columns.Fraction;
        for (var x = 0; x < output.Length; x++)
        {
            var left = row[lower[x]];
            output[x] = left + ((row[upper[x]] - left) * fraction[x]);
        }
    }

    /// <summary>Snapped (<see cref="Snap"/>) and quantised (<see cref="PixelKernels.ToByte(float)"/>) values.</summary>
    private static void Quantise(ReadOnlySpan<float> values, float snap, Span<byte> output)
    {
        for (var x = 0; x < output.Length; x++)
        {
            output[x] = PixelKernels.ToByte(Snap(values[x], snap));
        }
    }
}
