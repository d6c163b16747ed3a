using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Imaging;
using SkiaSharp;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>
/// The effects. Per-pixel "over" compositing is done here in straight-alpha arithmetic; blurs and drop shadows go
/// through Skia on premultiplied buffers (where blurring is correct) and come back unpremultiplied.
/// </summary>
internal static class Compositor
{
    /// <summary>
    /// The subject over a new background (colour, gradient, its own photo blurred): a new image the caller owns; the
    /// photo and the mask are only read. A cut-out and a shadow are drawn from the cut-out photo instead (<see cref="DropShadow"/>).
    /// A <c>null</c> <paramref name="mask"/> means the photo is a cut-out whose own alpha is the subject (not for a blur,
    /// which needs the photo's background).
    /// </summary>
    public static RgbaImage OverBackground(RgbaImage photo, AlphaMask? mask, Effect effect)
    {
        ArgumentNullException.ThrowIfNull(photo);
        return effect switch
        {
            ColorEffect color => Over(photo, mask, color.Color),
            GradientEffect gradient => Over(photo, mask, y => Lerp(gradient.Top, gradient.Bottom, photo.Height == 1 ? 0 : y / (float)(photo.Height - 1))),
            BlurEffect blur => BlurBackground(photo, mask ?? throw new ArgumentNullException(nameof(mask)), blur.Radius),
            _ => throw new ArgumentOutOfRangeException(nameof(effect), effect, "The effect has no background to compose (a cut-out, a shadow or a mask)."),
        };
    }

    /// <summary>
    /// The subject over <paramref name="picture"/> scaled to cover the photo (aspect kept, centred, the overflow cut
    /// off), or as it is when it already has the photo's size: a new image the caller owns. A <c>null</c>
    /// <paramref name="mask"/>: the photo is a cut-out whose own alpha is the subject.
    /// </summary>
    public static RgbaImage OverPicture(RgbaImage photo, AlphaMask? mask, RgbaImage picture, Rgba? underlay = null)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(picture);
        int w = photo.Width, h = photo.Height;
        RgbaImage? covered = null;
        try
        {
            var background = picture;
            if (picture.Width != w || picture.Height != h)
            {
                // The largest centred part of the picture with the photo's aspect ratio, scaled to the photo's size.
                var k = Math.Max(w / (double)picture.Width, h / (double)picture.Height);
                var cw = Math.Clamp((int)Math.Round(w / k), 1, picture.Width);
                var ch = Math.Clamp((int)Math.Round(h / k), 1, picture.Height);
                var part = new PixelBox((picture.Width - cw) / 2, (picture.Height - ch) / 2, cw, ch);
                covered = new RgbaImage(w, h);
                SkiaResampler.ScaleRegion(
                    picture.Buffer, picture.Width, picture.Height, part, covered.Buffer, w, new PixelBox(0, 0, w, h), SKColorType.Rgba8888, SKAlphaType.Unpremul);
                background = covered;
            }

            var pixels = background.Buffer;
            return Over(photo, mask, (y, row) =>
            {
                for (int x = 0, p = y * w * 4; x < w; x++, p += 4)
                {
                    var colour = new Rgba(pixels[p], pixels[p + 1], pixels[p + 2], pixels[p + 3]);
                    row[x] = underlay is { } under ? colour.Over(under) : colour;
                }
            });
        }
        finally
        {
            covered?.Dispose();
        }
    }

    /// <summary>
    /// The subject (and its matte) moved and scaled on a canvas of the photo's size as <paramref name="placement"/>
    /// says: new images the caller owns, transparent and empty outside the placed box.
    /// </summary>
    public static (RgbaImage Photo, AlphaMask Mask) Place(RgbaImage photo, AlphaMask mask, PixelBox subject, Placement placement)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(placement);
        int w = photo.Width, h = photo.Height;
        var target = placement.Place(subject, w, h);
        var placedPhoto = new RgbaImage(w, h);
        var placedMask = new AlphaMask(w, h);
        try
        {
            SkiaResampler.ScaleRegion(photo.Buffer, w, h, subject, placedPhoto.Buffer, w, target, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            SkiaResampler.ScaleRegion(mask.Buffer, w, h, subject, placedMask.Buffer, w, target, SKColorType.Gray8, SKAlphaType.Opaque);
            return (placedPhoto, placedMask);
        }
        catch
        {
            placedPhoto.Dispose();
            placedMask.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The subject (alpha = matte × the photo's own alpha) over one background colour: Porter–Duff "over" in straight
    /// alpha, so a semi-transparent background colour stays semi-transparent in the output.
    /// </summary>
    private static RgbaImage Over(RgbaImage photo, AlphaMask? mask, Rgba background) =>
        Over(photo, mask, (_, row) => row.Fill(background));

    /// <summary>The same "over", with a background colour per row (a gradient).</summary>
    private static RgbaImage Over(RgbaImage photo, AlphaMask? mask, Func<int, Rgba> backgroundOfRow) =>
        Over(photo, mask, (y, row) => row.Fill(backgroundOfRow(y)));

    /// <summary>
    /// The one "over" loop: <paramref name="fillRow"/> writes row y's background colours (one per pixel) into the span
    /// it is given, so a colour or a gradient costs one fill per row and a picture one copy per row.
    /// </summary>
    private static RgbaImage Over(RgbaImage photo, AlphaMask? mask, BackgroundRow fillRow)
    {
        var result = new RgbaImage(photo.Width, photo.Height);
        var source = photo.Span;
        ReadOnlySpan<byte> matte = mask is null ? default : mask.Span;
        var opaque = mask is null;
        var target = result.Span;
        var background = new Rgba[photo.Width]; // one row, reused
        for (var y = 0; y < photo.Height; y++)
        {
            fillRow(y, background);
            for (var x = 0; x < photo.Width; x++)
            {
                var i = (y * photo.Width) + x;
                OverPixel(source, opaque ? byte.MaxValue : matte[i], background[x], target, i * 4);
            }
        }

        return result;
    }

    private static void OverPixel(ReadOnlySpan<byte> source, byte matte, Rgba background, Span<byte> target, int p)
    {
        var ab = background.A / 255f;
        var a = matte * source[p + 3] / (255f * 255f);
        var wb = ab * (1 - a); // the background's share
        var ao = a + wb;
        if (ao <= 0)
        {
            target.Slice(p, 4).Clear();
            return;
        }

        target[p] = Blend(source[p], background.R, a, wb, ao);
        target[p + 1] = Blend(source[p + 1], background.G, a, wb, ao);
        target[p + 2] = Blend(source[p + 2], background.B, a, wb, ao);
        target[p + 3] = (byte)((ao * 255f) + 0.5f);
    }

    /// <summary>
    /// Subject sharp, background blurred with standard deviation <paramref name="sigma"/>. The blur sees only the
    /// background (normalised convolution: blur(colour × (1 − matte)) / blur(1 − matte)), so the subject's colours do
    /// not bleed into the blurred background as a halo around it.
    /// </summary>
    private static unsafe RgbaImage BlurBackground(RgbaImage photo, AlphaMask mask, int sigma)
    {
        int w = photo.Width, h = photo.Height;
        using var background = new RgbaImage(w, h); // premultiplied: colour × (1 − matte)
        var source = photo.Span;
        var matte = mask.Span;
        var premultiplied = background.Span;
        for (var i = 0; i < matte.Length; i++)
        {
            var p = i * 4;
            var keep = 255 - matte[i];
            premultiplied[p] = (byte)(((source[p] * keep) + 127) / 255);
            premultiplied[p + 1] = (byte)(((source[p + 1] * keep) + 127) / 255);
            premultiplied[p + 2] = (byte)(((source[p + 2] * keep) + 127) / 255);
            premultiplied[p + 3] = (byte)keep;
        }

        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        var blurred = new RgbaImage(w, h);
        try
        {
            fixed (byte* input = background.Buffer)
            fixed (byte* output = blurred.Buffer)
            {
                using var image = SKImage.FromPixels(info, (IntPtr)input, w * 4);
                using var surface = SKSurface.Create(info, (IntPtr)output, w * 4)
                    ?? throw new InvalidOperationException("SkiaSharp could not create a raster surface.");
                using var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(sigma, sigma, SKShaderTileMode.Clamp), BlendMode = SKBlendMode.Src };
                surface.Canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default, paint);
                surface.Flush();
            }

            // Un-premultiply the blurred background and lay the subject over it; the result is opaque.
            var blur = blurred.Span;
            for (var i = 0; i < matte.Length; i++)
            {
                var p = i * 4;
                var m = matte[i] / 255f;
                var coverage = blur[p + 3];
                for (var c = 0; c < 3; c++)
                {
                    // Deep inside a large subject no background reaches the pixel (coverage 0); its weight 1 − m is 0 there anyway.
                    var back = coverage > 0 ? Math.Min(255f, blur[p + c] * 255f / coverage) : source[p + c];
                    blur[p + c] = (byte)((source[p + c] * m) + (back * (1 - m)) + 0.5f);
                }

                blur[p + 3] = 255;
            }

            return blurred;
        }
        catch
        {
            blurred.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The cut-out (a photo whose alpha already holds the matte, <see cref="RgbaImage.ApplyAlpha"/>) over its own soft
    /// shadow on a transparent canvas, sized by <see cref="OutputBounds.ShadowCanvas"/> (the rule the handler checked
    /// against the pixel limit before decoding), so the canvas here is never larger than the one that was allowed.
    /// A new image the caller owns; the cut-out is only read.
    /// </summary>
    public static unsafe RgbaImage DropShadow(RgbaImage photo, ShadowEffect shadow)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(shadow);
        int w = photo.Width, h = photo.Height;
        var canvas = OutputBounds.ShadowCanvas(new ImageSize(w, h), photo.AlphaBounds(OutputOptions.CropAlphaThreshold), shadow);
        var (cw, ch) = canvas.ToImageSize();

        // The canvas holds the photo, so |left| and |top| are below its width and height, which ToImageSize kept in int.
        int left = (int)canvas.Left, top = (int)canvas.Top;
        var premulInfo = new SKImageInfo(cw, ch, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvasPixels = new RgbaImage(cw, ch);
        var result = new RgbaImage(cw, ch);
        try
        {
            fixed (byte* source = photo.Buffer)
            fixed (byte* drawn = canvasPixels.Buffer)
            fixed (byte* output = result.Buffer)
            {
                using var cutout = SKImage.FromPixels(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul), (IntPtr)source, w * 4);
                using (var surface = SKSurface.Create(premulInfo, (IntPtr)drawn, cw * 4)
                    ?? throw new InvalidOperationException("SkiaSharp could not create a raster surface."))
                {
                    var color = new SKColor(shadow.Color.R, shadow.Color.G, shadow.Color.B, shadow.Color.A);
                    using var paint = new SKPaint
                    {
                        ImageFilter = SKImageFilter.CreateDropShadow(shadow.OffsetX, shadow.OffsetY, shadow.BlurRadius, shadow.BlurRadius, color),
                    };
                    surface.Canvas.Clear(SKColors.Transparent);
                    surface.Canvas.DrawImage(cutout, -left, -top, SKSamplingOptions.Default, paint);
                    surface.Flush();
                }

                using var premultiplied = new SKPixmap(premulInfo, (IntPtr)drawn, cw * 4);
                if (!premultiplied.ReadPixels(new SKImageInfo(cw, ch, SKColorType.Rgba8888, SKAlphaType.Unpremul), (IntPtr)output, cw * 4))
                {
                    throw new InvalidOperationException("SkiaSharp could not un-premultiply the shadow canvas.");
                }
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static byte Blend(byte subject, byte background, float subjectWeight, float backgroundWeight, float alpha) =>
        (byte)((((subject * subjectWeight) + (background * backgroundWeight)) / alpha) + 0.5f);

    private static Rgba Lerp(Rgba from, Rgba to, float t) => new(
        (byte)(from.R + ((to.R - from.R) * t) + 0.5f),
        (byte)(from.G + ((to.G - from.G) * t) + 0.5f),
        (byte)(from.B + ((to.B - from.B) * t) + 0.5f),
        (byte)(from.A + ((to.A - from.A) * t) + 0.5f));

    /// <summary>Writes the background colours of row <c>y</c> into <c>row</c> (the photo's width).</summary>
    private delegate void BackgroundRow(int y, Span<Rgba> row);
}
