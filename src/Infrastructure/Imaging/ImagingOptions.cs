using SkiaSharp;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>Encoder settings of the SkiaSharp codec (section <c>Imaging</c>; its pixel limit is <c>Limits:MaxPixels</c>).</summary>
public sealed class ImagingOptions
{
    public const string SectionName = "Imaging";

    /// <summary>zlib level of PNG output (0–9); see <see cref="PngFilter"/> for the measured trade-off.</summary>
    public int PngCompressionLevel { get; set; } = 1;

    /// <summary>
    /// PNG row filter. libpng's default tries all five filters on every row; on photo cut-outs the single "Up" filter
    /// with zlib level 1 encodes several times faster than all filters at level 3 for files a few per cent larger
    /// (measured in docs/performance.md), and encode time is paid on every request.
    /// </summary>
    public SKPngEncoderFilterFlags PngFilter { get; set; } = SKPngEncoderFilterFlags.Up;
}
