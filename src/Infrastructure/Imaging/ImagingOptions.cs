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

    /// <summary>
    /// zlib level of PNG output (0–9). Level 3 is within a few percent of level 6's size at roughly half the
    /// encode time on photos, and encode time is paid on every request.
    /// </summary>
    public int PngCompressionLevel { get; set; } = 3;
}
