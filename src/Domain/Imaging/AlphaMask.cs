namespace FapiHub.Domain.Imaging;

/// <summary>An 8-bit alpha matte, one byte per pixel: 255 = subject, 0 = background.</summary>
public sealed class AlphaMask(int width, int height) : PixelBuffer(width, height, 1)
{
    /// <summary>The smallest box holding every pixel above <paramref name="threshold"/>; <c>null</c> when there is none.</summary>
    public PixelBox? Bounds(byte threshold) => PixelBounds.Of(Span, Width, Height, 1, 0, threshold);

    /// <summary>Clears every pixel outside <paramref name="region"/>: nothing there can be subject.</summary>
    public void KeepInside(PixelBox region)
    {
        var pixels = Span;
        for (var y = 0; y < Height; y++)
        {
            var row = pixels.Slice(y * Width, Width);
            if (y < region.Y || y >= region.Y + region.Height)
            {
                row.Clear();
                continue;
            }

            row[..Math.Min(Width, Math.Max(0, region.X))].Clear();
            row[Math.Min(Width, Math.Max(0, region.X + region.Width))..].Clear();
        }
    }

    /// <summary>Every pixel fully subject (at or above half) or fully background: no semi-transparency left.</summary>
    public void Harden()
    {
        foreach (ref var value in Span)
        {
            value = value >= 128 ? (byte)255 : (byte)0;
        }
    }
}
