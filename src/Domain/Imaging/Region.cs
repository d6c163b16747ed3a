using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;

namespace FapiHub.Domain.Imaging;

/// <summary>
/// A region of interest from (<paramref name="X1"/>, <paramref name="Y1"/>) to (<paramref name="X2"/>, <paramref name="Y2"/>),
/// each in pixels or as a percentage of the image's width (x) or height (y): only what lies inside can be subject.
/// </summary>
public sealed record Region(Length X1, Length Y1, Length X2, Length Y2)
{
    /// <summary>
    /// The region in pixels of a <paramref name="image"/>-sized photo: refused when it reaches past the image
    /// (<c>roi_exceeds_bounds</c>) or holds no pixel (<c>roi_region_empty</c>). Known from the header alone, so it is
    /// checked before the photo waits for a turn.
    /// </summary>
    public Result<PixelBox> Resolve(ImageSize image)
    {
        int x1 = X1.Resolve(image.Width), y1 = Y1.Resolve(image.Height), x2 = X2.Resolve(image.Width), y2 = Y2.Resolve(image.Height);
        if (x1 > image.Width || x2 > image.Width || y1 > image.Height || y2 > image.Height)
        {
            return DomainErrors.Image.RegionOutside(this, image);
        }

        return x2 <= x1 || y2 <= y1 ? DomainErrors.Image.RegionEmpty(this) : new PixelBox(x1, y1, x2 - x1, y2 - y1);
    }

    public override string ToString() => $"{X1} {Y1} {X2} {Y2}";
}
