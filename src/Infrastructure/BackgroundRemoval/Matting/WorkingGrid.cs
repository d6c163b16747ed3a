using System.Numerics.Tensors;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;

namespace FapiHub.Infrastructure.BackgroundRemoval.Matting;

/// <summary>
/// The photo on the working grid the refinement and the decontamination solve on (at most
/// <see cref="WorkingSide"/> pixels a side, the photo itself when it is smaller, either divided by the subsampling
/// factor s of the fast guided filter), as 0–1 float planes — one luma plane
/// or the R, G and B planes one after the other — plus one matte plane the caller fills. One pooled buffer, owned here.
/// </summary>
internal sealed class WorkingGrid : IDisposable
{
    /// <summary>Longest side of the grid; about the model's own resolution.</summary>
    public const int WorkingSide = 1024;

    private readonly PooledBuffer<float> _buffer;

    private WorkingGrid(int width, int height, int planes)
    {
        Width = width;
        Height = height;
        Planes = planes;
        _buffer = new PooledBuffer<float>((planes + 1) * Count);
    }

    public int Width { get; }

    public int Height { get; }

    public int Count => Width * Height;

    /// <summary>1 for a luma guide, 3 for colour.</summary>
    public int Planes { get; }

    /// <summary>The guide planes, <see cref="Planes"/> × <see cref="Count"/> values.</summary>
    public Span<float> Guide => _buffer.Span[..(Planes * Count)];

    /// <summary>Guide plane <paramref name="index"/>.</summary>
    public Span<float> Plane(int index) => _buffer.Span.Slice(index * Count, Count);

    /// <summary>The matte on the grid, 0–1; filled by the caller (or by <see cref="CoverMatte"/>).</summary>
    public Span<float> Matte => _buffer.Span.Slice(Planes * Count, Count);

    /// <summary>Whether the grid is the photo's own size (no resampling between the two).</summary>
    public bool Matches(RgbaImage photo) => Width == photo.Width && Height == photo.Height;

    /// <summary>
    /// The photo's size scaled down (never up) so its longest side is at most <see cref="WorkingSide"/>, then divided by
    /// <paramref name="subsample"/> (the fast guided filter's s): the grid of a 1200×900 photo is 1024×768 at s = 1 and
    /// 512×384 at s = 2, that of a 600×400 photo 600×400 and 300×200.
    /// </summary>
    public static (int Width, int Height) Size(int width, int height, int subsample = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subsample, 1);
        var longest = Math.Max(width, height);
        if (longest <= WorkingSide && subsample == 1)
        {
            return (width, height);
        }

        var scale = Math.Min(1.0, (double)WorkingSide / longest) / subsample;
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>
    /// The photo as a luma or colour guide on the grid of <see cref="Size"/>: the photo itself, or each grid pixel the
    /// mean of the photo pixels it covers (an area average: no aliasing, and one pass over the photo's bytes).
    /// </summary>
    public static WorkingGrid Create(RgbaImage photo, bool color, int subsample = 1)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var (width, height) = Size(photo.Width, photo.Height, subsample);
        var grid = new WorkingGrid(width, height, color ? 3 : 1);
        try
        {
            if (grid.Matches(photo))
            {
                grid.FillGuide(photo.Span);
            }
            else
            {
                grid.AverageGuide(photo);
            }

            return grid;
        }
        catch
        {
            grid.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sets <see cref="Matte"/> to the coverage of the photo-sized <paramref name="mask"/>: each grid value is the mean of
    /// the mask pixels it covers (the mask itself when the grid is the photo's size), an area average rather than an
    /// aliased sample, streamed from the bytes without a full-resolution float copy.
    /// </summary>
    public void CoverMatte(AlphaMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int w = mask.Width, h = mask.Height;
        if (w == Width && h == Height)
        {
            TensorPrimitives.ConvertChecked<byte, float>(mask.Span, Matte);
            TensorPrimitives.Divide(Matte, 255f, Matte);
            return;
        }

        for (var wy = 0; wy < Height; wy++)
        {
            var y0 = (int)((long)wy * h / Height);
            var y1 = Math.Max(y0 + 1, (int)((long)(wy + 1) * h / Height));
            var row = Matte.Slice(wy * Width, Width);
            row.Clear();
            for (var y = y0; y < y1; y++)
            {
                ReadOnlySpan<byte> line = mask.Span.Slice(y * w, w);
                for (var wx = 0; wx < Width; wx++)
                {
                    var x0 = (int)((long)wx * w / Width);
                    var x1 = Math.Max(x0 + 1, (int)((long)(wx + 1) * w / Width));
                    var sum = 0;
                    for (var x = x0; x < x1; x++)
                    {
                        sum += line[x];
                    }

                    row[wx] += sum / (255f * (x1 - x0));
                }
            }

            TensorPrimitives.Divide(row, y1 - y0, row);
        }
    }

    public void Dispose() => _buffer.Dispose();

    private void FillGuide(ReadOnlySpan<byte> rgba)
    {
        if (Planes == 1)
        {
            PixelKernels.Luma(rgba, Guide);
            return;
        }

        PixelKernels.Deinterleave(rgba, Plane(0), Plane(1), Plane(2));
        TensorPrimitives.Divide(Guide, 255f, Guide);
    }

    /// <summary>
    /// Each grid pixel the mean of the photo pixels it covers (grid column <c>gx</c> covers photo columns
    /// <c>[gx·w/W, (gx+1)·w/W)</c>, rows likewise), summed per channel one photo row at a time.
    /// </summary>
    private void AverageGuide(RgbaImage photo)
    {
        int w = photo.Width, h = photo.Height;
        using var columnOf = new PooledBuffer<int>(w);
        using var sums = new PooledBuffer<float>((3 * Width) + Width);
        var column = columnOf.Span[..w];
        var inverseWidths = sums.Span.Slice(3 * Width, Width);
        for (var gx = 0; gx < Width; gx++)
        {
            var (x0, x1) = Cover(gx, w, Width);
            column[x0..x1].Fill(gx);
            inverseWidths[gx] = 1f / (x1 - x0);
        }

        var pixels = photo.Span;
        for (var gy = 0; gy < Height; gy++)
        {
            var (y0, y1) = Cover(gy, h, Height);
            var sum = sums.Span[..(3 * Width)];
            sum.Clear();
            for (var y = y0; y < y1; y++)
            {
                var row = pixels.Slice(y * w * 4, w * 4);
                for (int x = 0, p = 0; x < w; x++, p += 4)
                {
                    var s = 3 * column[x];
                    sum[s] += row[p];
                    sum[s + 1] += row[p + 1];
                    sum[s + 2] += row[p + 2];
                }
            }

            var inverseHeight = 1f / (255f * (y1 - y0));
            var offset = gy * Width;
            for (var gx = 0; gx < Width; gx++)
            {
                var scale = inverseWidths[gx] * inverseHeight;
                float red = sum[3 * gx] * scale, green = sum[(3 * gx) + 1] * scale, blue = sum[(3 * gx) + 2] * scale;
                if (Planes == 1)
                {
                    Plane(0)[offset + gx] = (0.299f * red) + (0.587f * green) + (0.114f * blue);
                }
                else
                {
                    Plane(0)[offset + gx] = red;
                    Plane(1)[offset + gx] = green;
                    Plane(2)[offset + gx] = blue;
                }
            }
        }
    }

    /// <summary>The photo pixels <c>[start, end)</c> grid index <paramref name="index"/> covers along a line of <paramref name="length"/>.</summary>
    private static (int Start, int End) Cover(int index, int length, int gridLength)
    {
        var start = (int)((long)index * length / gridLength);
        return (start, Math.Max(start + 1, (int)((long)(index + 1) * length / gridLength)));
    }
}
