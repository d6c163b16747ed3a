namespace FapiHub.Domain.Imaging;

/// <summary>
/// Space kept around a cropped subject, per side, in pixels or as a percentage of the subject's own size (top and
/// bottom of its height, left and right of its width). Each side is held to <see cref="MaxPixels"/> pixels and
/// <see cref="MaxPercent"/> % of the subject, the bounds remove.bg documents for <c>crop_margin</c>.
/// </summary>
public sealed record Margins(Length Top, Length Right, Length Bottom, Length Left)
{
    public const int MaxPixels = 500;
    public const double MaxPercent = 50;

    /// <summary>
    /// <c>true</c>: a margin reaching past the photo's edge grows the output there (transparent, or the background the
    /// effect lays), as remove.bg's <c>crop_margin</c> does. <c>false</c> (FapiHub's): the box is clipped to the photo.
    /// </summary>
    public bool PadsPastTheEdge { get; init; }

    /// <summary>The same margin on every side, in pixels (FapiHub's <c>crop_margin</c>).</summary>
    public static Margins Uniform(Length all) => new(all, all, all, all);

    /// <summary>
    /// The subject's box grown by the margins. Clipped to the <paramref name="width"/> × <paramref name="height"/> image
    /// it is cut from unless <see cref="PadsPastTheEdge"/>; then it may start left of or above the image and end past it,
    /// by at most one bounded margin per side, so it is never larger than <see cref="Largest"/> says.
    /// </summary>
    public PixelBox Around(PixelBox subject, int width, int height)
    {
        var top = Side(Top, subject.Height);
        var bottom = Side(Bottom, subject.Height);
        var left = Side(Left, subject.Width);
        var right = Side(Right, subject.Width);
        long x0 = (long)subject.X - left, y0 = (long)subject.Y - top;
        long x1 = (long)subject.X + subject.Width + right, y1 = (long)subject.Y + subject.Height + bottom;
        if (!PadsPastTheEdge)
        {
            (x0, y0, x1, y1) = (Math.Max(0L, x0), Math.Max(0L, y0), Math.Min(width, x1), Math.Min(height, y1));
        }

        return new PixelBox((int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0));
    }

    /// <summary>
    /// The largest box these margins can make on a <paramref name="width"/> × <paramref name="height"/> canvas, whatever
    /// subject is found: a subject filling the canvas (the % margins grow with the subject, the px ones are capped).
    /// </summary>
    public (long Width, long Height) Largest(long width, long height)
    {
        if (!PadsPastTheEdge)
        {
            return (width, height);
        }

        return (width + Side(Left, width) + Side(Right, width), height + Side(Top, height) + Side(Bottom, height));
    }

    private static long Side(Length length, long subjectSize) =>
        length.IsPercent
            ? (long)Math.Round(Math.Min(length.Value, MaxPercent) * subjectSize / 100.0, MidpointRounding.AwayFromZero)
            : (long)Math.Round(Math.Min(length.Value, MaxPixels), MidpointRounding.AwayFromZero);
}
