using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;

namespace FapiHub.Application.Abstractions.Imaging;

/// <summary>The image operations of the pipeline: decode, compose an effect, crop, encode.</summary>
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
    /// Applies <paramref name="effect"/> (anything but <see cref="MaskEffect"/>) to the photo with its matte. The result
    /// has the photo's size, except a shadow, whose canvas grows so the shadow is not clipped (never past
    /// <see cref="OutputBounds.Largest"/>; an effect whose largest canvas is over <see cref="MaxPixels"/> throws
    /// <see cref="ArgumentOutOfRangeException"/>: check it first). The photo may be reused.
    /// </summary>
    RgbaImage Compose(RgbaImage photo, AlphaMask mask, Effect effect);

    /// <summary>A copy of the <paramref name="box"/> region (an <see cref="RgbaImage"/> or an <see cref="AlphaMask"/>).</summary>
    PixelBuffer Crop(PixelBuffer image, PixelBox box);

    /// <summary>Encodes an RGBA image with straight alpha (PNG, WebP; JPEG only for opaque images).</summary>
    byte[] Encode(RgbaImage image, OutputOptions output);

    /// <summary>Encodes a matte as 8-bit grayscale (PNG) or its nearest equivalent in the other formats.</summary>
    byte[] Encode(AlphaMask mask, OutputOptions output);
}
