using SkiaSharp;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>
/// Applies an EXIF orientation by remapping whole pixels: exact (no resampling) and independent of Skia's
/// canvas, which cannot draw into the unpremultiplied buffers we keep.
/// </summary>
internal static class Orientation
{
    /// <summary>True when the orientation swaps width and height (the four transposing ones).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>
    /// Writes the upright version of <paramref name="source"/> (<paramref name="width"/> × <paramref name="height"/>
    /// stored pixels, one uint per RGBA pixel) into <paramref name="destination"/>.
    /// </summary>
    public static void Apply(ReadOnlySpan<uint> source, int width, int height, SKEncodedOrigin origin, Span<uint> destination)
    {
        var swap = SwapsAxes(origin);
        var dw = swap ? height : width;
        var dh = swap ? width : height;
        for (var y = 0; y < dh; y++)
        {
            var row = destination.Slice(y * dw, dw);
            for (var x = 0; x < dw; x++)
            {
                // (sx, sy): the stored pixel that appears at upright position (x, y).
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (width - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (width - 1 - x, height - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, height - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, height - 1 - x),
                    SKEncodedOrigin.RightBottom => (width - 1 - y, height - 1 - x),
                    SKEncodedOrigin.LeftBottom => (width - 1 - y, x),
                    _ => (x, y),
                };
                row[x] = source[(sy * width) + sx];
            }
        }
    }
}
