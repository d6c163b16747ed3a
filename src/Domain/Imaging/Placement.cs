namespace FapiHub.Domain.Imaging;

/// <summary>
/// Where the subject goes on its canvas: scaled so its box fits <see cref="Scale"/> of the canvas (aspect kept), and/or
/// moved so its box sits at <see cref="X"/>, <see cref="Y"/> of the free space (0 = left/top, 0.5 = centre, 1 =
/// right/bottom, as CSS positions a background). <c>null</c> keeps the original: a scaled subject with no position
/// is centred, as remove.bg does.
/// </summary>
public sealed record Placement(double? Scale, double? X, double? Y)
{
    public const double MinScale = 0.10;
    public const double MaxScale = 1.0;

    /// <summary>Where the <paramref name="subject"/> box goes on a <paramref name="width"/> × <paramref name="height"/> canvas.</summary>
    public PixelBox Place(PixelBox subject, int width, int height)
    {
        int w = subject.Width, h = subject.Height;
        if (Scale is { } scale)
        {
            var k = Math.Min(scale * width / subject.Width, scale * height / subject.Height);
            w = Math.Clamp((int)Math.Round(subject.Width * k), 1, width);
            h = Math.Clamp((int)Math.Round(subject.Height * k), 1, height);
        }

        var (px, py) = (X, Y) switch
        {
            ({ } x, { } y) => (x, y),
            _ when Scale is not null => (0.5, 0.5),
            _ => (double.NaN, double.NaN),
        };

        // No position: the box keeps its centre (clamped so it stays on the canvas).
        var left = double.IsNaN(px) ? subject.X + ((subject.Width - w) / 2.0) : (width - w) * px;
        var top = double.IsNaN(py) ? subject.Y + ((subject.Height - h) / 2.0) : (height - h) * py;
        var x0 = Math.Clamp((int)Math.Round(left), 0, width - w);
        var y0 = Math.Clamp((int)Math.Round(top), 0, height - h);
        return new PixelBox(x0, y0, w, h);
    }
}
