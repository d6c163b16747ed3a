namespace FapiHub.Domain.Imaging;

/// <summary>
/// An output canvas placed relative to the photo: its top-left corner is at (<paramref name="Left"/>, <paramref name="Top"/>)
/// in the photo's coordinates (zero or negative: grown to the left or top). In <see cref="long"/>, because a canvas that
/// is too large must be measurable and refused, not wrap around into a small or negative number.
/// </summary>
public readonly record struct Canvas(long Left, long Top, long Width, long Height)
{
    /// <summary>Width × height, saturating at <see cref="long.MaxValue"/> (so a product that would overflow still compares as too large).</summary>
    public long Pixels =>
        Width <= 0 || Height <= 0 ? 0
        : Width > long.MaxValue / Height ? long.MaxValue
        : Width * Height;

    /// <summary>The photo's own canvas: what every effect but a shadow produces.</summary>
    public static Canvas Of(ImageSize photo) => new(0, 0, photo.Width, photo.Height);

    /// <summary>
    /// The canvas as an allocatable size. Throws rather than truncates: the request path refuses oversized canvases
    /// first (<see cref="BackgroundRemoval.OutputBounds.Check"/>), so reaching this with one is a bug.
    /// </summary>
    public ImageSize ToImageSize()
    {
        if (Width is <= 0 or > int.MaxValue || Height is <= 0 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(Width), this, "The canvas does not fit an image (1 to int.MaxValue pixels per axis).");
        }

        return new ImageSize((int)Width, (int)Height);
    }
}
