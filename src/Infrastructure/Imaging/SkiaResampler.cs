using FapiHub.Domain.Imaging;
using SkiaSharp;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>Resizes RGBA images with Skia.</summary>
internal static class SkiaResampler
{
    /// <summary>
    /// Linear filtering between linearly blended mipmap levels: plain bilinear aliases once the scale drops below
    /// one half (a 4000-pixel photo going into a 1024 model), and mipmaps make it an area-like average instead.
    /// </summary>
    public static readonly SKSamplingOptions Downscaling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>
    /// Plain bilinear, for scale factors above one half: no aliasing to prevent there, and building the mipmap chain
    /// was most of the resize's cost (figures in docs/performance.md).
    /// </summary>
    public static readonly SKSamplingOptions Bilinear = new(SKFilterMode.Linear, SKMipmapMode.None);

    /// <summary>The sampling for scaling <paramref name="sw"/> × <paramref name="sh"/> to <paramref name="dw"/> × <paramref name="dh"/>.</summary>
    public static SKSamplingOptions For(int sw, int sh, int dw, int dh) =>
        sw > 2 * dw || sh > 2 * dh ? Downscaling : Bilinear;

    /// <summary>
    /// Resizes the colour of <paramref name="image"/> into <paramref name="destination"/> (RGBA, width × height × 4 bytes).
    /// Alpha is ignored (treated as opaque): models look at colour, and transparent pixels' colour is kept as is.
    /// </summary>
    public static unsafe void Resize(RgbaImage image, Span<byte> destination, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (destination.Length < width * height * 4)
        {
            throw new ArgumentException("Destination is too small.", nameof(destination));
        }

        fixed (byte* source = image.Buffer)
        fixed (byte* target = destination)
        {
            using var sourcePixmap = new SKPixmap(
                new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque), (IntPtr)source, image.RowBytes);
            using var targetPixmap = new SKPixmap(
                new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), (IntPtr)target, width * 4);
            if (!sourcePixmap.ScalePixels(targetPixmap, For(image.Width, image.Height, width, height)))
            {
                throw new InvalidOperationException($"SkiaSharp could not scale {image.Width}x{image.Height} to {width}x{height}.");
            }
        }
    }

    /// <summary>
    /// Scales a whole <paramref name="sw"/> × <paramref name="sh"/> buffer of <paramref name="colorType"/> into a
    /// <paramref name="dw"/> × <paramref name="dh"/> one (rows packed), keeping <paramref name="alphaType"/>: a straight-alpha
    /// image is filtered premultiplied by Skia, so transparent pixels' colour does not bleed into the subject's edge.
    /// </summary>
    public static void Scale(byte[] source, int sw, int sh, byte[] destination, int dw, int dh, SKColorType colorType, SKAlphaType alphaType) =>
        ScaleRegion(source, sw, sh, new PixelBox(0, 0, sw, sh), destination, dw, new PixelBox(0, 0, dw, dh), colorType, alphaType);

    /// <summary>
    /// Scales the <paramref name="region"/> of a packed <paramref name="sourceWidth"/>-wide buffer into the
    /// <paramref name="target"/> box of a packed <paramref name="targetWidth"/>-wide one (both of <paramref name="colorType"/>).
    /// </summary>
    public static unsafe void ScaleRegion(
        byte[] source, int sourceWidth, int sourceHeight, PixelBox region, byte[] destination, int targetWidth, PixelBox target, SKColorType colorType, SKAlphaType alphaType)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var bpp = colorType == SKColorType.Gray8 ? 1 : 4;
        fixed (byte* s = source)
        fixed (byte* d = destination)
        {
            using var whole = new SKPixmap(new SKImageInfo(sourceWidth, sourceHeight, colorType, alphaType), (IntPtr)s, sourceWidth * bpp);
            using var from = whole.ExtractSubset(SKRectI.Create(region.X, region.Y, region.Width, region.Height))
                ?? throw new InvalidOperationException("SkiaSharp could not take the region.");
            var offset = ((long)target.Y * targetWidth + target.X) * bpp;
            using var to = new SKPixmap(new SKImageInfo(target.Width, target.Height, colorType, alphaType), (IntPtr)(d + offset), targetWidth * bpp);
            if (!from.ScalePixels(to, For(region.Width, region.Height, target.Width, target.Height)))
            {
                throw new InvalidOperationException($"SkiaSharp could not scale {region} to {target}.");
            }
        }
    }
}
