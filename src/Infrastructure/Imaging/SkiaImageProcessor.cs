using System.Runtime.InteropServices;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Application.Common;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Domain.Imaging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>
/// SkiaSharp implementation of the image-operations port. Decodes straight into pooled buffers; never touches disk.
/// Without <paramref name="limits"/> (a codec built by hand, as the tools do) the default pixel limit applies.
/// </summary>
internal sealed class SkiaImageProcessor(IOptions<ImagingOptions> options, IOptions<LimitsOptions>? limits = null) : IImageProcessor
{
    private readonly ImagingOptions _options = options.Value;

    public Result<ImageSize> Probe(ReadOnlyMemory<byte> encoded) =>
        WithCheckedCodec<ImageSize>(encoded, static (codec, _) => UprightSize(codec));

    public Result<RgbaImage> Decode(ReadOnlyMemory<byte> encoded) => WithCheckedCodec(encoded, DecodeChecked);

    /// <summary>Opens a codec on the bytes in place and hands it on only if its header passes <see cref="HeaderError"/>.</summary>
    private unsafe Result<T> WithCheckedCodec<T>(ReadOnlyMemory<byte> encoded, Func<SKCodec, ReadOnlyMemory<byte>, Result<T>> use)
    {
        if (encoded.IsEmpty)
        {
            return DomainErrors.Image.Undecodable(UndecodableReasons.Empty, DecodeFailure.Unrecognised);
        }

        using var pin = encoded.Pin();
        using var data = SKData.Create((IntPtr)pin.Pointer, encoded.Length);
        using var codec = SKCodec.Create(data);
        return HeaderError(codec, encoded.Span) is { } error ? error : use(codec!, encoded);
    }

    /// <summary>The size once the EXIF orientation is applied.</summary>
    private static ImageSize UprightSize(SKCodec codec) =>
        Orientation.SwapsAxes(codec.EncodedOrigin)
            ? new ImageSize(codec.Info.Height, codec.Info.Width)
            : new ImageSize(codec.Info.Width, codec.Info.Height);

    private static Result<RgbaImage> DecodeChecked(SKCodec codec, ReadOnlyMemory<byte> encoded)
    {
        var stored = codec.Info;
        var info = new SKImageInfo(stored.Width, stored.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var origin = codec.EncodedOrigin;
        var size = UprightSize(codec);
        var upright = new RgbaImage(size.Width, size.Height);
        try
        {
            if (origin == SKEncodedOrigin.TopLeft)
            {
                return DecodeInto(codec, info, upright, encoded.Span) is { } reason ? Fail(upright, reason) : upright;
            }

            using var raw = new RgbaImage(stored.Width, stored.Height);
            if (DecodeInto(codec, info, raw, encoded.Span) is { } failure)
            {
                return Fail(upright, failure);
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

    public long MaxPixels { get; } = (limits?.Value ?? new LimitsOptions()).MaxPixels;

    public RenderedImage RenderInPlace(RgbaImage photo, AlphaMask mask, Effect effect, OutputOptions output)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(output);

        // The handler refuses these from the header, before decoding; any other caller is stopped here, before the
        // canvas is allocated, by the same rule.
        var size = new ImageSize(photo.Width, photo.Height);
        if (OutputBounds.Check(size, effect, MaxPixels, output) is { } tooLarge)
        {
            throw new ArgumentOutOfRangeException(nameof(effect), effect, tooLarge.Message);
        }

        // The matte first: what may be subject (the region), how hard its edges are, then where it stands.
        if (output.Roi is { } roi)
        {
            var region = roi.Resolve(size);
            mask.KeepInside(region.IsSuccess ? region.Value : throw new ArgumentOutOfRangeException(nameof(output), roi, region.Error!.Message));
        }

        if (!output.Semitransparency)
        {
            mask.Harden();
        }

        RgbaImage? placedPhoto = null;
        AlphaMask? placedMask = null;
        if (output.Placement is { } placement && mask.Bounds(OutputOptions.CropAlphaThreshold) is { } subject)
        {
            (placedPhoto, placedMask) = Compositor.Place(photo, mask, subject, placement);
            photo = placedPhoto;
            mask = placedMask;
        }

        try
        {
            return Render(photo, mask, effect, output);
        }
        finally
        {
            placedPhoto?.Dispose();
            placedMask?.Dispose();
        }
    }

    private RenderedImage Render(RgbaImage photo, AlphaMask mask, Effect effect, OutputOptions output)
    {
        // Everything but a shadow is cropped to the subject the model found; a shadow extends the subject. A colour or a
        // picture goes behind the finished canvas (cropped, padded, scaled), so it fills what is delivered, margins that
        // pad past the photo included (remove.bg: "resized to fill the canvas"); a gradient and a blur are composed on
        // the photo first (a blur needs the photo's own background), and their crop never pads.
        switch (effect)
        {
            case MaskEffect:
                return Deliver(mask, mask.Bounds(OutputOptions.CropAlphaThreshold), output, Crop, Scale, EncodeAs);
            case CutoutEffect:
                // The cut-out is the caller's photo itself, cut in place: a copy would be another 48 MB at 12 MP.
                photo.ApplyAlpha(mask);
                return Deliver(photo, mask.Bounds(OutputOptions.CropAlphaThreshold), output, Crop, Scale, EncodeAs);
            case ColorEffect or ImageBackgroundEffect:
                photo.ApplyAlpha(mask); // in place, as for the cut-out
                return DeliverOn(photo, mask.Bounds(OutputOptions.CropAlphaThreshold), effect, output);
            case ShadowEffect shadow:
            {
                photo.ApplyAlpha(mask); // in place, as for the cut-out; the canvas is new and ours
                using var canvas = Compositor.DropShadow(photo, shadow);
                var bounds = canvas.AlphaBounds(OutputOptions.CropAlphaThreshold);
                if (shadow.MatteOnly)
                {
                    // The alpha of the finished colour canvas (cropped, scaled), so it is exactly that answer's alpha.
                    return Deliver(canvas, bounds, output, Crop, Scale, EncodeAlphaAs);
                }

                return shadow.Background is { } background
                    ? DeliverOn(canvas, bounds, background, output)
                    : Deliver(canvas, bounds, output, Crop, Scale, EncodeAs);
            }

            default:
            {
                using var composed = Compositor.OverBackground(photo, mask, effect); // new and ours; the photo is only read
                return Deliver(composed, mask.Bounds(OutputOptions.CropAlphaThreshold), output, Crop, Scale, EncodeAs);
            }
        }
    }

    /// <summary>The cut-out (its alpha holds the subject) delivered on <paramref name="background"/>, a colour or a picture.</summary>
    private RenderedImage DeliverOn(RgbaImage cutout, PixelBox? subject, Effect background, OutputOptions output)
    {
        RgbaImage? picture = null;
        try
        {
            if (background is ImageBackgroundEffect pictureEffect)
            {
                // The handler probed the picture with the photo, so a failure here is a bug, not the client's.
                var decoded = Decode(pictureEffect.Image);
                picture = decoded.IsSuccess ? decoded.Value : throw new InvalidOperationException(decoded.Error!.Message);
            }

            return Deliver(cutout, subject, output, Crop, Scale, EncodeAs, canvas => background is ImageBackgroundEffect laid
                ? Compositor.OverPicture(canvas, null, picture!, laid.Underlay)
                : Compositor.OverBackground(canvas, null, background));
        }
        finally
        {
            picture?.Dispose();
        }
    }

    /// <summary>
    /// Encodes <paramref name="image"/> (borrowed: the caller disposes it), or a cropped, scaled-down and/or composed
    /// copy owned and disposed here: cropped when the client asked and there is a subject (an image with no subject at
    /// all is delivered whole rather than as an empty picture; margins that pad past the image add transparent pixels),
    /// scaled down when it has more pixels than the output allows, then laid on its background by
    /// <paramref name="compose"/>. The subject's box follows each step, so it describes the delivered image.
    /// </summary>
    private static RenderedImage Deliver<T>(
        T image,
        PixelBox? subject,
        OutputOptions output,
        Func<T, PixelBox, T> crop,
        Func<T, int, int, T> scale,
        Func<T, OutputOptions, (EncodedImage Content, string ContentType)> encode,
        Func<T, T>? compose = null)
        where T : PixelBuffer
    {
        T? cropped = null;
        T? scaled = null;
        T? composed = null;
        try
        {
            var current = image;
            if (output.Crop && subject is { } box)
            {
                var keep = output.CropMargins.Around(box, image.Width, image.Height);
                current = cropped = crop(image, keep);
                subject = box with { X = box.X - keep.X, Y = box.Y - keep.Y };
            }

            if (output.MaxPixels is { } maxPixels && (long)current.Width * current.Height > maxPixels)
            {
                var k = Math.Sqrt(maxPixels / ((double)current.Width * current.Height));
                var width = Math.Max(1, (int)Math.Floor(current.Width * k));
                var height = Math.Max(1, (int)Math.Floor(current.Height * k));
                var (sx, sy) = (width / (double)current.Width, height / (double)current.Height);
                current = scaled = scale(current, width, height);
                subject = subject is { } s ? Scaled(s, sx, sy, width, height) : null;
            }

            if (compose is not null)
            {
                current = composed = compose(current);
            }

            var (content, contentType) = encode(current, output);
            return new RenderedImage(content, current.Width, current.Height, contentType, subject);
        }
        finally
        {
            composed?.Dispose();
            scaled?.Dispose();
            cropped?.Dispose();
        }
    }

    /// <summary>A box scaled by (<paramref name="sx"/>, <paramref name="sy"/>): outward, so it still holds the whole subject, and inside the image.</summary>
    private static PixelBox Scaled(PixelBox box, double sx, double sy, int width, int height)
    {
        var x0 = Math.Clamp((int)Math.Floor(box.X * sx), 0, width - 1);
        var y0 = Math.Clamp((int)Math.Floor(box.Y * sy), 0, height - 1);
        var x1 = Math.Clamp((int)Math.Ceiling((box.X + box.Width) * sx), x0 + 1, width);
        var y1 = Math.Clamp((int)Math.Ceiling((box.Y + box.Height) * sy), y0 + 1, height);
        return new PixelBox(x0, y0, x1 - x0, y1 - y0);
    }

    private static RgbaImage Scale(RgbaImage image, int width, int height)
    {
        var scaled = new RgbaImage(width, height);
        SkiaResampler.Scale(image.Buffer, image.Width, image.Height, scaled.Buffer, width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        return scaled;
    }

    private static AlphaMask Scale(AlphaMask mask, int width, int height)
    {
        var scaled = new AlphaMask(width, height);
        SkiaResampler.Scale(mask.Buffer, mask.Width, mask.Height, scaled.Buffer, width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        return scaled;
    }

    /// <summary>
    /// A copy of the <paramref name="box"/> region: a new image the caller owns. The box may reach past the image (a
    /// crop margin that pads): what lies outside it is transparent black.
    /// </summary>
    public RgbaImage Crop(RgbaImage image, PixelBox box) => CopyRegion(CheckOverlaps(image, box), box, new RgbaImage(box.Width, box.Height));

    /// <summary>A copy of the <paramref name="box"/> region: a new matte the caller owns; outside the matte it is 0 (background).</summary>
    public AlphaMask Crop(AlphaMask mask, PixelBox box) => CopyRegion(CheckOverlaps(mask, box), box, new AlphaMask(box.Width, box.Height));

    /// <summary>
    /// The image, once the box is known to hold some of it and to be no more than a bounded margin larger (the handler
    /// counted the padded canvas against the pixel limit): checked before the copy is allocated.
    /// </summary>
    private static PixelBuffer CheckOverlaps(PixelBuffer image, PixelBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (box.Width <= 0 || box.Height <= 0 || box.X >= image.Width || box.Y >= image.Height
            || (long)box.X + box.Width <= 0 || (long)box.Y + box.Height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(box), box, $"Does not overlap the {image.Width}x{image.Height} image.");
        }

        return image;
    }

    private static T CopyRegion<T>(PixelBuffer image, PixelBox box, T cropped)
        where T : PixelBuffer
    {
        // Only the part of the box on the image is copied; the new buffer starts cleared, so the rest is padding.
        var bpp = image.BytesPerPixel;
        var source = image.Span;
        var target = cropped.Span;
        int x0 = Math.Max(0, box.X), y0 = Math.Max(0, box.Y);
        int x1 = Math.Min(image.Width, box.X + box.Width), y1 = Math.Min(image.Height, box.Y + box.Height);
        var run = (x1 - x0) * bpp;
        for (var y = y0; y < y1; y++)
        {
            source.Slice(((y * image.Width) + x0) * bpp, run)
                .CopyTo(target.Slice((((y - box.Y) * box.Width) + (x0 - box.X)) * bpp, run));
        }

        return cropped;
    }

    /// <summary>The image in the output's format; <see cref="OutputFormat.Auto"/> and <see cref="OutputFormat.Zip"/> resolved here.</summary>
    private (EncodedImage Content, string ContentType) EncodeAs(RgbaImage image, OutputOptions output)
    {
        switch (output.Format)
        {
            case OutputFormat.Zip:
                return (ColorAndAlpha.Pack(this, image, output), OutputOptions.ContentTypeOf(OutputFormat.Zip));
            case OutputFormat.Auto:
                var format = image.HasTransparency ? OutputFormat.Png : OutputFormat.Jpeg;
                return (Encode(image, output with { Format = format }), OutputOptions.ContentTypeOf(format));
            default:
                return (Encode(image, output), output.ContentType);
        }
    }

    /// <summary>The image's alpha channel alone, as a matte.</summary>
    private (EncodedImage Content, string ContentType) EncodeAlphaAs(RgbaImage image, OutputOptions output)
    {
        using var matte = image.ExtractAlpha();
        return EncodeAs(matte, output);
    }

    /// <summary>A matte is data, not a photo: <see cref="OutputFormat.Auto"/> keeps it lossless (PNG).</summary>
    private (EncodedImage Content, string ContentType) EncodeAs(AlphaMask mask, OutputOptions output)
    {
        var format = output.Format is OutputFormat.Auto or OutputFormat.Zip ? OutputFormat.Png : output.Format;
        return (Encode(mask, output with { Format = format }), OutputOptions.ContentTypeOf(format));
    }

    public EncodedImage Encode(RgbaImage image, OutputOptions output)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);

        // JPEG is only asked for opaque results (the validator sees to it), so alpha is dropped, not flattened.
        var alpha = output.Format == OutputFormat.Jpeg ? SKAlphaType.Opaque : SKAlphaType.Unpremul;
        return Encode(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, alpha), image.Buffer, image.RowBytes, output);
    }

    public EncodedImage Encode(AlphaMask mask, OutputOptions output)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(output);
        return Encode(new SKImageInfo(mask.Width, mask.Height, SKColorType.Gray8, SKAlphaType.Opaque), mask.Buffer, mask.Width, output);
    }

    /// <summary>What the header alone rules out: an unreadable or unaccepted format, no pixels, too many pixels.</summary>
    private Error? HeaderError(SKCodec? codec, ReadOnlySpan<byte> encoded)
    {
        if (codec is null)
        {
            var (reason, failure) = UndecodableReasons.Unreadable(encoded);
            return DomainErrors.Image.Undecodable(reason, failure);
        }

        if (!IsAcceptedFormat(codec.EncodedFormat))
        {
            return DomainErrors.Image.Undecodable(UndecodableReasons.Refused(codec.EncodedFormat), DecodeFailure.UnsupportedFormat);
        }

        var stored = codec.Info;
        if (stored.Width <= 0 || stored.Height <= 0)
        {
            return DomainErrors.Image.Undecodable(UndecodableReasons.NoPixels, DecodeFailure.Damaged);
        }

        // Checked before any pixel is decoded: a 50,000 × 50,000 "bomb" costs a header read, not 10 GB.
        return (long)stored.Width * stored.Height > MaxPixels
            ? DomainErrors.Image.TooLarge(stored.Width, stored.Height, MaxPixels)
            : null;
    }

    private static bool IsAcceptedFormat(SKEncodedImageFormat format) =>
        format is SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Webp
            or SKEncodedImageFormat.Bmp or SKEncodedImageFormat.Gif;

    /// <summary>Null when every row was decoded from the file's own data, else why not.</summary>
    private static unsafe string? DecodeInto(SKCodec codec, SKImageInfo info, RgbaImage target, ReadOnlySpan<byte> encoded)
    {
        // Only a complete decode counts: a truncated file yields IncompleteInput with grey filler rows, and returning
        // that as a cut-out would hide the client's broken upload.
        SKCodecResult result;
        fixed (byte* pixels = target.Buffer)
        {
            result = codec.GetPixels(info, (IntPtr)pixels);
        }

        if (result != SKCodecResult.Success)
        {
            return UndecodableReasons.Failed(codec.EncodedFormat, result);
        }

        return codec.EncodedFormat == SKEncodedImageFormat.Jpeg && JpegCompleteness.EndsEarly(encoded, info, target.Span)
            ? UndecodableReasons.JpegEndsEarly
            : null;
    }

    private static Error Fail(RgbaImage image, string reason)
    {
        image.Dispose();
        return DomainErrors.Image.Undecodable(reason, DecodeFailure.Damaged); // the header was read: the data is what failed
    }

    private unsafe EncodedImage Encode(SKImageInfo info, byte[] pixels, int rowBytes, OutputOptions output)
    {
        fixed (byte* p = pixels)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)p, rowBytes);
            using var encoded = output.Format switch
            {
                OutputFormat.WebP => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, output.Quality)),
                OutputFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(output.Quality)),
                _ => pixmap.Encode(new SKPngEncoderOptions(_options.PngFilter, _options.PngCompressionLevel)),
            } ?? throw new InvalidOperationException($"SkiaSharp failed to encode {output.Format}.");
            return EncodedImage.Copy(encoded.AsSpan());
        }
    }
}
