using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;

namespace FapiHub.Application.Abstractions.Imaging;

/// <summary>The image operations of the pipeline: probe, decode, render (compose the effect, crop, encode).</summary>
public interface IImageProcessor
{
    /// <summary>
    /// Reads the image's size from its header, with the same checks as <see cref="Decode"/> short of decoding pixels
    /// (accepted format, the pixel limit), so a request can be refused or scheduled by size before it costs memory.
    /// </summary>
    Result<ImageSize> Probe(ReadOnlyMemory<byte> encoded);

    /// <summary>
    /// The pixel limit (<c>Limits:MaxPixels</c>) that <see cref="Probe"/> and <see cref="Decode"/> hold the upload to;
    /// every composed output is held to it too (<see cref="OutputBounds"/>).
    /// </summary>
    long MaxPixels { get; }

    /// <summary>
    /// Decodes JPEG, PNG, WebP, BMP or GIF (first frame) into an upright RGBA image (EXIF orientation applied).
    /// Anything else, or a damaged file, is the <c>invalid_image</c> failure, never an exception.
    /// </summary>
    Result<RgbaImage> Decode(ReadOnlyMemory<byte> encoded);

    /// <summary>
    /// The result as delivered: <paramref name="effect"/> applied (the matte itself for <see cref="MaskEffect"/>),
    /// cropped to the subject when <paramref name="output"/> asks (a shadow's subject includes its shadow), encoded.
    /// Ownership: <paramref name="photo"/> and <paramref name="mask"/> stay the caller's to dispose, and everything made
    /// on the way is owned and disposed here. The photo is the working canvas: a cut-out or a shadow applies the
    /// matte to its alpha in place, so its pixels are spent after this call; the mask is changed in place only where
    /// the output asks (a region of interest, hard edges). The output's region must lie inside the photo (the
    /// handler resolves it from the header first). A shadow canvas is
    /// never larger than <see cref="OutputBounds.Largest"/>; an effect whose largest canvas is over <see cref="MaxPixels"/>
    /// throws <see cref="ArgumentOutOfRangeException"/>: check it first.
    /// </summary>
    RenderedImage RenderInPlace(RgbaImage photo, AlphaMask mask, Effect effect, OutputOptions output);
}

/// <summary>
/// An encoded result (the caller's to dispose), its size in pixels, its content type when the renderer chose it
/// (<see cref="OutputFormat.Auto"/>; otherwise the options' own) and the subject's box in the delivered image
/// (<c>null</c>: no subject found).
/// </summary>
public sealed record RenderedImage(EncodedImage Content, int Width, int Height, string? ContentType = null, PixelBox? Foreground = null);
