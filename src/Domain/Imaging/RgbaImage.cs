namespace FapiHub.Domain.Imaging;

/// <summary>
/// A decoded, upright (EXIF orientation applied) image: 8-bit RGBA, straight (unpremultiplied) alpha, rows packed
/// without padding. Dispose it to return its pixels to the pool.
/// </summary>
public sealed class RgbaImage(int width, int height) : PixelBuffer(width, height, 4)
{
    public int RowBytes => Width * 4;

    /// <summary>The smallest box holding every pixel whose alpha is above <paramref name="threshold"/>; <c>null</c> when there is none.</summary>
    public PixelBox? AlphaBounds(byte threshold) => PixelBounds.Of(Span, Width, Height, 4, 3, threshold);

    /// <summary>True when any pixel is less than fully opaque.</summary>
    public bool HasTransparency
    {
        get
        {
            var pixels = Span;
            for (var p = 3; p < pixels.Length; p += 4)
            {
                if (pixels[p] != 255)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The alpha channel as a matte of its own: a new buffer the caller owns.</summary>
    public AlphaMask ExtractAlpha()
    {
        var alpha = new AlphaMask(Width, Height);
        var pixels = Span;
        var target = alpha.Span;
        for (int i = 0, p = 3; i < target.Length; i++, p += 4)
        {
            target[i] = pixels[p];
        }

        return alpha;
    }

    /// <summary>
    /// Cuts the image out with <paramref name="mask"/>: alpha becomes mask × the input's own alpha, colour is left
    /// untouched (straight alpha). Multiplying rather than replacing keeps a transparent input transparent even where
    /// the model calls it foreground.
    /// </summary>
    public void ApplyAlpha(AlphaMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Width != Width || mask.Height != Height)
        {
            throw new ArgumentException($"Mask is {mask.Width}x{mask.Height}, image is {Width}x{Height}.", nameof(mask));
        }

        var pixels = Span;
        var alpha = mask.Span;
        for (int i = 0, p = 3; i < alpha.Length; i++, p += 4)
        {
            pixels[p] = (byte)(((pixels[p] * alpha[i]) + 127) / 255);
        }
    }
}
