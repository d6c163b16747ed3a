using System.Numerics.Tensors;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;
using FapiHub.Infrastructure.Imaging;

namespace FapiHub.Infrastructure.BackgroundRemoval.Matting;

/// <summary>
/// The photo on the working grid the refinement and the decontamination solve on (at most
/// <see cref="WorkingSide"/> pixels a side; the photo itself when it is smaller), as 0–1 float planes — one luma plane
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

    /// <summary>The photo's size scaled down (never up) so its longest side is at most <see cref="WorkingSide"/>.</summary>
    public static (int Width, int Height) Size(int width, int height)
    {
        var longest = Math.Max(width, height);
        if (longest <= WorkingSide)
        {
            return (width, height);
        }

        var scale = (double)WorkingSide / longest;
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>The photo (resized with mipmaps when larger than the grid) as a luma or colour guide.</summary>
    public static WorkingGrid Create(RgbaImage photo, bool color)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var (width, height) = Size(photo.Width, photo.Height);
        var grid = new WorkingGrid(width, height, color ? 3 : 1);
        try
        {
            if (grid.Matches(photo))
            {
                grid.FillGuide(photo.Span);
            }
            else
            {
                using var resized = new PooledBuffer<byte>(grid.Count * 4);
                SkiaResampler.Resize(photo, resized.Span, width, height);
                grid.FillGuide(resized.Span);
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
}
