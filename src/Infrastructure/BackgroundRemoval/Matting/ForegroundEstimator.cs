using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;

namespace FapiHub.Infrastructure.BackgroundRemoval.Matting;

/// <summary>
/// Colour decontamination of a cut-out: a semi-transparent edge pixel of the photo is a mix
/// <c>I = α·F + (1 − α)·B</c> of the subject's colour F and the old background's colour B. Keeping I as the cut-out's
/// colour (straight alpha) lays a fringe of the old background around the subject on any new background. This class
/// estimates F with the fast multilevel foreground estimation of Germer, Uelwer, Conrad and Harmeling (2020,
/// arXiv:2006.14970): for each pixel, F and B are the least-squares solution of the compositing equation plus a
/// smoothness term tying them to the neighbours' F and B (weighted by how much α changes towards that neighbour),
/// solved coarse to fine with a few Gauss–Seidel sweeps per level, so the cost is O(pixels).
/// </summary>
/// <remarks>
/// The levels run on a working grid of at most <see cref="WorkingGrid.WorkingSide"/> pixels a side, divided by the
/// tier's subsampling s (<see cref="WorkingGrid.Size"/>); at s = 1 that is the photo itself for most photos. When
/// the grid is smaller than the photo a last streaming pass solves each semi-transparent full-resolution pixel's
/// own 2×2 system against the grid's F and B interpolated at that pixel: one Jacobi sweep of the finest level, so
/// memory stays bounded by the working grid, never the photo, and the cost of the levels falls as s².
/// An instance is the decontamination step of one prediction: it owns the colour grid it is given (the colour
/// refinement's, whose photo planes are the ones it needs) or builds one from the photo when it is first applied.
/// </remarks>
internal sealed class ForegroundEstimator(WorkingGrid? grid = null, int subsample = 1) : IDecontamination
{
    /// <summary>Germer et al.'s defaults: a tiny ridge so flat-α neighbourhoods still propagate colour.</summary>
    private const float Regularization = 1e-5f;

    /// <summary>Weight of the α difference to a neighbour: where α changes, F and B are tied to the neighbours.</summary>
    private const float GradientWeight = 1f;

    /// <summary>Sweeps per level: many on the tiny levels (cheap, they carry colour far), two on the large ones.</summary>
    private const int SmallIterations = 10;

    private const int BigIterations = 2;

    /// <summary>Levels up to this many pixels a side count as small.</summary>
    private const int SmallSize = 32;

    /// <summary>
    /// Replaces the colour of every pixel whose <paramref name="mask"/> value is strictly between 0 and 255 with its
    /// estimated foreground colour. Opaque pixels keep the photo's own colour exactly, and fully transparent ones are
    /// left alone (they are invisible in a cut-out). A grid given at construction must be of this photo.
    /// </summary>
    public void ApplyInPlace(RgbaImage photo, AlphaMask mask)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Width != photo.Width || mask.Height != photo.Height)
        {
            throw new ArgumentException($"Mask is {mask.Width}x{mask.Height}, photo is {photo.Width}x{photo.Height}.", nameof(mask));
        }

        if (mask.Span.IndexOfAnyExcept((byte)0, (byte)255) < 0)
        {
            return;
        }

        grid ??= WorkingGrid.Create(photo, color: true, subsample);
        int ww = grid.Width, wh = grid.Height, n = grid.Count;
        grid.CoverMatte(mask);
        using var foreground = new PooledBuffer<float>(3 * n);
        using var background = new PooledBuffer<float>(3 * n);
        Estimate(grid.Guide, grid.Matte, ww, wh, foreground.Span, background.Span);
        if (grid.Matches(photo))
        {
            WriteForeground(photo, mask, foreground.Span);
        }
        else
        {
            RefineAtFullResolution(photo, mask, foreground.Span, background.Span, ww, wh);
        }
    }

    public void Dispose() => grid?.Dispose();

    /// <summary>
    /// The multilevel estimate for a planar RGB <paramref name="image"/> (0–1, the R, G and B planes one after the
    /// other) and its matte <paramref name="alpha"/> (0–1), both <paramref name="width"/> × <paramref name="height"/>;
    /// writes interleaved RGB <paramref name="foreground"/> and <paramref name="background"/>.
    /// </summary>
    public static void Estimate(
        ReadOnlySpan<float> image,
        ReadOnlySpan<float> alpha,
        int width,
        int height,
        Span<float> foreground,
        Span<float> background)
    {
        var levels = (int)Math.Ceiling(Math.Log2(Math.Max(Math.Max(width, height), 2)));
        int previousWidth = 1, previousHeight = 1;

        // Level 0 is a single pixel; starting from the mean colour makes its ten sweeps converge at once.
        var previousF = new PooledBuffer<float>(3);
        var previousB = new PooledBuffer<float>(3);
        try
        {
            MeanColour(image, previousF.Span);
            previousF.Span.CopyTo(previousB.Span);
            for (var level = 0; level <= levels; level++)
            {
                // Level sizes grow geometrically from 1×1 to the full size, as in the paper.
                var last = level == levels;
                var w = last ? width : Math.Max(1, (int)Math.Round(Math.Pow(width, level / (double)levels)));
                var h = last ? height : Math.Max(1, (int)Math.Round(Math.Pow(height, level / (double)levels)));
                var n = w * h;
                using var levelInputs = last ? null : new PooledBuffer<float>(4 * n);
                var f = last ? null : new PooledBuffer<float>(3 * n);
                var b = last ? null : new PooledBuffer<float>(3 * n);
                try
                {
                    var img = levelInputs is null ? image : levelInputs.Span[..(3 * n)];
                    var a = levelInputs is null ? alpha : levelInputs.Span.Slice(3 * n, n);
                    var fg = f is null ? foreground[..(3 * n)] : f.Span;
                    var bg = b is null ? background[..(3 * n)] : b.Span;
                    if (levelInputs is not null)
                    {
                        var planes = levelInputs.Span;
                        var count = width * height;
                        for (var c = 0; c < 3; c++)
                        {
                            Nearest(image.Slice(c * count, count), width, height, 1, planes.Slice(c * n, n), w, h);
                        }

                        Nearest(alpha, width, height, 1, planes.Slice(3 * n, n), w, h);
                    }

                    Nearest(previousF.Span, previousWidth, previousHeight, 3, fg, w, h);
                    Nearest(previousB.Span, previousWidth, previousHeight, 3, bg, w, h);
                    var iterations = w <= SmallSize && h <= SmallSize ? SmallIterations : BigIterations;
                    for (var i = 0; i < iterations; i++)
                    {
                        Sweep(img, a, w, h, fg, bg);
                    }

                    if (!last)
                    {
                        previousF.Dispose();
                        previousB.Dispose();
                        (previousF, previousB, f, b) = (f!, b!, null, null);
                        previousWidth = w;
                        previousHeight = h;
                    }
                }
                finally
                {
                    f?.Dispose();
                    b?.Dispose();
                }
            }
        }
        finally
        {
            previousF.Dispose();
            previousB.Dispose();
        }
    }

    /// <summary>
    /// One Gauss–Seidel sweep: each pixel's F and B minimise
    /// <c>|α·F + (1−α)·B − I|² + Σ_neighbours d·(|F − F_n|² + |B − B_n|²)</c> with <c>d = ε + |α − α_n|</c>,
    /// a 2×2 system per colour channel sharing one matrix. The four neighbours (left, right, up, down, clamped at the
    /// borders) are summed in that order by <see cref="Neighbour"/>, without bounds checks on this hot loop.
    /// </summary>
    private static void Sweep(ReadOnlySpan<float> image, ReadOnlySpan<float> alpha, int w, int h, Span<float> fg, Span<float> bg)
    {
        var n = w * h;
        ref var alpha0 = ref MemoryMarshal.GetReference(alpha);
        ref var image0 = ref MemoryMarshal.GetReference(image);
        ref var fg0 = ref MemoryMarshal.GetReference(fg);
        ref var bg0 = ref MemoryMarshal.GetReference(bg);
        for (var y = 0; y < h; y++)
        {
            var up = Math.Max(0, y - 1) * w;
            var down = Math.Min(h - 1, y + 1) * w;
            var row = y * w;
            for (var x = 0; x < w; x++)
            {
                var i = row + x;
                var a0 = Unsafe.Add(ref alpha0, i);
                var a1 = 1f - a0;
                var red = Unsafe.Add(ref image0, i);
                var green = Unsafe.Add(ref image0, n + i);
                var blue = Unsafe.Add(ref image0, (2 * n) + i);
                var sums = new Sums
                {
                    A00 = a0 * a0,
                    A11 = a1 * a1,
                    F0 = a0 * red,
                    F1 = a0 * green,
                    F2 = a0 * blue,
                    B0 = a1 * red,
                    B1 = a1 * green,
                    B2 = a1 * blue,
                };
                var a01 = a0 * a1;
                Neighbour(ref sums, a0, ref alpha0, ref fg0, ref bg0, row + Math.Max(0, x - 1));
                Neighbour(ref sums, a0, ref alpha0, ref fg0, ref bg0, row + Math.Min(w - 1, x + 1));
                Neighbour(ref sums, a0, ref alpha0, ref fg0, ref bg0, up + x);
                Neighbour(ref sums, a0, ref alpha0, ref fg0, ref bg0, down + x);

                var inverse = 1f / ((sums.A00 * sums.A11) - (a01 * a01));
                float m00 = inverse * sums.A11, m01 = -inverse * a01, m11 = inverse * sums.A00;
                ref var f = ref Unsafe.Add(ref fg0, 3 * i);
                ref var b = ref Unsafe.Add(ref bg0, 3 * i);
                f = Clamp01((m00 * sums.F0) + (m01 * sums.B0));
                Unsafe.Add(ref f, 1) = Clamp01((m00 * sums.F1) + (m01 * sums.B1));
                Unsafe.Add(ref f, 2) = Clamp01((m00 * sums.F2) + (m01 * sums.B2));
                b = Clamp01((m01 * sums.F0) + (m11 * sums.B0));
                Unsafe.Add(ref b, 1) = Clamp01((m01 * sums.F1) + (m11 * sums.B1));
                Unsafe.Add(ref b, 2) = Clamp01((m01 * sums.F2) + (m11 * sums.B2));
            }
        }
    }

    /// <summary>Adds neighbour <paramref name="j"/>'s weighted F and B to a pixel's system.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Neighbour(ref Sums sums, float a0, ref float alpha, ref float fg, ref float bg, int j)
    {
        var d = Regularization + (GradientWeight * MathF.Abs(a0 - Unsafe.Add(ref alpha, j)));
        sums.A00 += d;
        sums.A11 += d;
        ref var f = ref Unsafe.Add(ref fg, 3 * j);
        ref var b = ref Unsafe.Add(ref bg, 3 * j);
        sums.F0 += d * f;
        sums.F1 += d * Unsafe.Add(ref f, 1);
        sums.F2 += d * Unsafe.Add(ref f, 2);
        sums.B0 += d * b;
        sums.B1 += d * Unsafe.Add(ref b, 1);
        sums.B2 += d * Unsafe.Add(ref b, 2);
    }

    /// <summary>
    /// The finest level for a photo larger than the working grid, streamed: each semi-transparent pixel solves its own
    /// 2×2 system with its four full-resolution α differences, tied to the working grid's F and B interpolated at the
    /// pixel (the neighbours a pixel apart at full resolution share that value to well under a working-grid pixel).
    /// </summary>
    private static void RefineAtFullResolution(RgbaImage photo, AlphaMask mask, ReadOnlySpan<float> foreground, ReadOnlySpan<float> background, int ww, int wh)
    {
        int w = photo.Width, h = photo.Height;
        var columns = MaskResampler.Taps.Create(ww, w);
        var rows = MaskResampler.Taps.Create(wh, h);
        var pixels = photo.Span;
        var matte = mask.Span;
        Span<float> f = stackalloc float[3];
        Span<float> b = stackalloc float[3];
        for (var y = 0; y < h; y++)
        {
            int top = rows.Lower[y] * ww, bottom = rows.Upper[y] * ww;
            var fy = rows.Fraction[y];
            var up = Math.Max(0, y - 1) * w;
            var down = Math.Min(h - 1, y + 1) * w;
            for (var x = 0; x < w; x++)
            {
                var i = (y * w) + x;
                var value = matte[i];
                if (value is 0 or 255)
                {
                    continue;
                }

                int x0 = columns.Lower[x], x1 = columns.Upper[x];
                var fx = columns.Fraction[x];
                Interpolate(foreground, top, bottom, x0, x1, fx, fy, f);
                Interpolate(background, top, bottom, x0, x1, fx, fy, b);
                var a0 = value / 255f;
                var a1 = 1f - a0;
                var d = (4 * Regularization) + (GradientWeight / 255f * (
                    Math.Abs(value - matte[(y * w) + Math.Max(0, x - 1)]) + Math.Abs(value - matte[(y * w) + Math.Min(w - 1, x + 1)])
                    + Math.Abs(value - matte[up + x]) + Math.Abs(value - matte[down + x])));
                float a00 = (a0 * a0) + d, a01 = a0 * a1, a11 = (a1 * a1) + d;
                var inverse = 1f / ((a00 * a11) - (a01 * a01));
                float m00 = inverse * a11, m01 = -inverse * a01;
                var p = 4 * i;
                for (var c = 0; c < 3; c++)
                {
                    var colour = pixels[p + c] / 255f;
                    var rhsF = (a0 * colour) + (d * f[c]);
                    var rhsB = (a1 * colour) + (d * b[c]);
                    pixels[p + c] = PixelKernels.ToByte((m00 * rhsF) + (m01 * rhsB));
                }
            }
        }
    }

    /// <summary>The bilinear tap of each of the three interleaved channels of <paramref name="plane"/>.</summary>
    private static void Interpolate(ReadOnlySpan<float> plane, int top, int bottom, int x0, int x1, float fx, float fy, Span<float> result)
    {
        for (var c = 0; c < 3; c++)
        {
            result[c] = PixelKernels.Bilinear(plane, (3 * top) + c, (3 * bottom) + c, 3 * x0, 3 * x1, fx, fy);
        }
    }

    private static void WriteForeground(RgbaImage photo, AlphaMask mask, ReadOnlySpan<float> foreground)
    {
        var pixels = photo.Span;
        var matte = mask.Span;
        for (var i = 0; i < matte.Length; i++)
        {
            if (matte[i] is 0 or 255)
            {
                continue;
            }

            pixels[4 * i] = PixelKernels.ToByte(foreground[3 * i]);
            pixels[(4 * i) + 1] = PixelKernels.ToByte(foreground[(3 * i) + 1]);
            pixels[(4 * i) + 2] = PixelKernels.ToByte(foreground[(3 * i) + 2]);
        }
    }

    /// <summary>The mean of each plane of a planar RGB image, summed in double.</summary>
    private static void MeanColour(ReadOnlySpan<float> image, Span<float> mean)
    {
        var count = image.Length / 3;
        for (var c = 0; c < 3; c++)
        {
            double sum = 0;
            foreach (var value in image.Slice(c * count, count))
            {
                sum += value;
            }

            mean[c] = (float)(sum / Math.Max(1, count));
        }
    }

    /// <summary>Nearest-neighbour resampling of interleaved planes (1 or 3 channels), pixel-centre aligned.</summary>
    private static void Nearest(ReadOnlySpan<float> source, int sw, int sh, int channels, Span<float> destination, int dw, int dh)
    {
        using var columns = new PooledBuffer<int>(dw);
        var sourceColumn = columns.Span[..dw];
        for (var x = 0; x < dw; x++)
        {
            sourceColumn[x] = Math.Min(sw - 1, (int)((x + 0.5) * sw / dw)) * channels;
        }

        for (var y = 0; y < dh; y++)
        {
            var sy = Math.Min(sh - 1, (int)((y + 0.5) * sh / dh));
            var from = source.Slice(sy * sw * channels, sw * channels);
            var to = destination.Slice(y * dw * channels, dw * channels);
            if (channels == 3)
            {
                for (int x = 0, p = 0; x < dw; x++, p += 3)
                {
                    var q = sourceColumn[x];
                    to[p] = from[q];
                    to[p + 1] = from[q + 1];
                    to[p + 2] = from[q + 2];
                }
            }
            else
            {
                for (var x = 0; x < dw; x++)
                {
                    to[x] = from[sourceColumn[x]];
                }
            }
        }
    }

    private static float Clamp01(float value) => Math.Clamp(value, 0f, 1f);

    /// <summary>One pixel's normal equations: the matrix diagonal and the right-hand sides for F and B.</summary>
    private struct Sums
    {
        public float A00;
        public float A11;
        public float F0;
        public float F1;
        public float F2;
        public float B0;
        public float B1;
        public float B2;
    }
}
