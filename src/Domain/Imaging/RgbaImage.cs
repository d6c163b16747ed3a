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
