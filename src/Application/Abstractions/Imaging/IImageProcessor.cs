using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;

namespace FapiHub.Application.Abstractions.Imaging;

/// <summary>Decoding and encoding of images: the codec side of the pipeline.</summary>
public interface IImageProcessor
{
    /// <summary>
    /// Decodes JPEG, PNG, WebP, BMP or GIF (first frame) into an upright RGBA image (EXIF orientation applied).
    /// Anything else, or a damaged file, is the <c>invalid_image</c> failure, never an exception.
    /// </summary>
    Result<RgbaImage> Decode(ReadOnlyMemory<byte> encoded);

    /// <summary>Encodes an RGBA image with straight alpha as PNG.</summary>
    byte[] EncodePng(RgbaImage image);

    /// <summary>Encodes a matte as an 8-bit grayscale PNG.</summary>
    byte[] EncodePng(AlphaMask mask);
}
