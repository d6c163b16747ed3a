namespace FapiHub.Domain.Imaging;

/// <summary>An 8-bit alpha matte, one byte per pixel: 255 = subject, 0 = background.</summary>
public sealed class AlphaMask(int width, int height) : PixelBuffer(width, height, 1)
{
    /// <summary>The smallest box holding every pixel above <paramref name="threshold"/>; <c>null</c> when there is none.</summary>
    public PixelBox? Bounds(byte threshold) => PixelBounds.Of(Span, Width, Height, 1, 0, threshold);
}
