namespace FapiHub.Domain.Imaging;

/// <summary>An image's dimensions as its header states them, before any pixel is decoded.</summary>
public readonly record struct ImageSize(int Width, int Height)
{
    public long Pixels => (long)Width * Height;
}
