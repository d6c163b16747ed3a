using System.Runtime.InteropServices;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Domain.Imaging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>SkiaSharp implementation of the codec port. Decodes straight into pooled buffers; never touches disk.</summary>
internal sealed class SkiaImageProcessor(IOptions<ImagingOptions> options) : IImageProcessor
{
    private readonly ImagingOptions _options = options.Value;

    public unsafe Result<RgbaImage> Decode(ReadOnlyMemory<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            return Errors.Image.Invalid;
        }

        using var pin = encoded.Pin();
        using var data = SKData.Create((IntPtr)pin.Pointer, encoded.Length);
        using var codec = SKCodec.Create(data);
        if (codec is null || !IsAcceptedFormat(codec.EncodedFormat))
        {
            return Errors.Image.Invalid;
        }

        var stored = codec.Info;
        if (stored.Width <= 0 || stored.Height <= 0)
        {
            return Errors.Image.Invalid;
        }

        // Checked before any pixel is decoded: a 50,000 × 50,000 "bomb" costs a header read, not 10 GB.
        if ((long)stored.Width * stored.Height > _options.MaxPixels)
        {
            return Errors.Image.TooLarge(stored.Width, stored.Height, _options.MaxPixels);
        }

        var info = new SKImageInfo(stored.Width, stored.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var origin = codec.EncodedOrigin;
        var upright = !Orientation.SwapsAxes(origin)
            ? new RgbaImage(stored.Width, stored.Height)
            : new RgbaImage(stored.Height, stored.Width);
        try
        {
            if (origin == SKEncodedOrigin.TopLeft)
            {
                return DecodeInto(codec, info, upright) ? upright : Fail(upright);
            }

            using var raw = new RgbaImage(stored.Width, stored.Height);
            if (!DecodeInto(codec, info, raw))
            {
                return Fail(upright);
            }

            Orientation.Apply(
                MemoryMarshal.Cast<byte, uint>(raw.Span), stored.Width, stored.Height, origin, MemoryMarshal.Cast<byte, uint>(upright.Span));
            return upright;
        }
        catch
        {
            upright.Dispose();
            throw;
        }
    }

    public byte[] EncodePng(RgbaImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        return Encode(info, image.Buffer, image.RowBytes);
    }

    public byte[] EncodePng(AlphaMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var info = new SKImageInfo(mask.Width, mask.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        return Encode(info, mask.Buffer, mask.Width);
    }

    private static bool IsAcceptedFormat(SKEncodedImageFormat format) =>
        format is SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Webp
            or SKEncodedImageFormat.Bmp or SKEncodedImageFormat.Gif;

    private static unsafe bool DecodeInto(SKCodec codec, SKImageInfo info, RgbaImage target)
    {
        fixed (byte* pixels = target.Buffer)
        {
            // Only a complete decode counts: a truncated file yields IncompleteInput with grey filler rows,
            // and returning that as a cut-out would hide the client's broken upload.
            return codec.GetPixels(info, (IntPtr)pixels) == SKCodecResult.Success;
        }
    }

    private static Error Fail(RgbaImage image)
    {
        image.Dispose();
        return Errors.Image.Invalid;
    }

    private unsafe byte[] Encode(SKImageInfo info, byte[] pixels, int rowBytes)
    {
        fixed (byte* p = pixels)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)p, rowBytes);
            using var encoded = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, _options.PngCompressionLevel))
                ?? throw new InvalidOperationException("SkiaSharp failed to encode a PNG.");
            return encoded.ToArray();
        }
    }
}
