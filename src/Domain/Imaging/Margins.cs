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

    /// <summary>The same margin on every side, in pixels (FapiHub's <c>crop_margin</c>).</summary>
    public static Margins Uniform(Length all) => new(all, all, all, all);

    /// <summary>
    /// The subject's box grown by the margins and clipped to the <paramref name="width"/> × <paramref name="height"/>
    /// image it is cut from, so a margin never makes the output larger than that image.
    /// </summary>
    public PixelBox Around(PixelBox subject, int width, int height)
    {
        var top = Side(Top, subject.Height);
        var bottom = Side(Bottom, subject.Height);
        var left = Side(Left, subject.Width);
        var right = Side(Right, subject.Width);
        var x0 = (int)Math.Max(0L, (long)subject.X - left);
        var y0 = (int)Math.Max(0L, (long)subject.Y - top);
        var x1 = (int)Math.Min(width, (long)subject.X + subject.Width + right);
        var y1 = (int)Math.Min(height, (long)subject.Y + subject.Height + bottom);
        return new PixelBox(x0, y0, x1 - x0, y1 - y0);
    }

    private static int Side(Length length, int subjectSize) =>
        length.IsPercent
            ? Length.Percent(Math.Min(length.Value, MaxPercent)).Resolve(subjectSize)
            : Math.Min(length.Resolve(subjectSize), MaxPixels);
}
