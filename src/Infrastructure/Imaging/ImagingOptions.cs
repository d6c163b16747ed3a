using SkiaSharp;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>Limits and encoder settings of the SkiaSharp codec (section <c>Imaging</c>; <c>MaxPixels</c> also from <c>Limits</c>).</summary>
public sealed class ImagingOptions
{
    public const string SectionName = "Imaging";

    /// <summary>
    /// Largest accepted image, in pixels (width × height, read from the header before any pixel is decoded).
    /// 25 MP holds any phone photo; the RGBA buffer of such an image is 100 MB, so the cap also bounds memory.
    /// </summary>
    public long MaxPixels { get; set; } = 25_000_000;

    /// <summary>zlib level of PNG output (0–9); see <see cref="PngFilter"/> for the measured trade-off.</summary>
    public int PngCompressionLevel { get; set; } = 1;

    /// <summary>
    /// PNG row filter. libpng's default tries all five filters on every row; on photo cut-outs the single "Up" filter
    /// with zlib level 1 encodes several times faster than all filters at level 3 for files a few per cent larger
    /// (measured in docs/performance.md), and encode time is paid on every request.
    /// </summary>
    public SKPngEncoderFilterFlags PngFilter { get; set; } = SKPngEncoderFilterFlags.Up;
}
