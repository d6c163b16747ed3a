using System.Globalization;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Domain.Imaging;

namespace FapiHub.Domain.BackgroundRemoval;

/// <summary>
/// The one owner of "how large can the output get". The handler checks <see cref="Largest"/> against the pixel limit
/// from the header alone (before the photo waits for a turn or is decoded), and the compositor sizes the shadow's canvas
/// with <see cref="ShadowCanvas"/>; both come from here, so the check and the allocation cannot disagree.
/// </summary>
/// <remarks>
/// A crop grows an output only when its margins pad past the canvas (<see cref="Margins.PadsPastTheEdge"/>, remove.bg's
/// <c>crop_margin</c>), and then by at most one bounded margin a side (<see cref="Margins.Largest"/>), counted here.
/// </remarks>
public static class OutputBounds
{
    /// <summary>
    /// The canvas of a drop shadow: the photo grown only as far as the shadow (the subject's box moved by the offset and
    /// widened by 3σ, which holds 99.7 % of a Gaussian) reaches past it. No subject: the photo itself. Long arithmetic,
    /// so no offset, blur or image size can overflow it.
    /// </summary>
    public static Canvas ShadowCanvas(ImageSize photo, PixelBox? subject, ShadowEffect shadow)
    {
        ArgumentNullException.ThrowIfNull(shadow);
        long left = 0, top = 0, right = photo.Width, bottom = photo.Height;
        if (subject is { } box)
        {
            var reach = Reach(shadow.BlurRadius);
            checked
            {
                left = Math.Min(0, box.X + (long)shadow.OffsetX - reach);
                top = Math.Min(0, box.Y + (long)shadow.OffsetY - reach);
                right = Math.Max(photo.Width, (long)box.X + box.Width + shadow.OffsetX + reach);
                bottom = Math.Max(photo.Height, (long)box.Y + box.Height + shadow.OffsetY + reach);
            }
        }

        return new Canvas(left, top, right - left, bottom - top);
    }

    /// <summary>
    /// The largest canvas <paramref name="effect"/> can produce from a photo of this size, whatever subject the model
    /// finds. Only a shadow grows the photo, and its canvas grows with the subject's box, so the worst case is a subject
    /// filling the photo.
    /// </summary>
    public static Canvas Largest(ImageSize photo, Effect effect) =>
        effect is ShadowEffect shadow
            ? ShadowCanvas(photo, new PixelBox(0, 0, photo.Width, photo.Height), shadow)
            : Canvas.Of(photo);

    /// <summary>
    /// The largest output delivered as <paramref name="output"/> says from an effect's largest <paramref name="canvas"/>:
    /// grown by crop margins that pad past it (a subject filling the canvas is the worst case for them too).
    /// </summary>
    private static Canvas Padded(Canvas canvas, OutputOptions? output)
    {
        if (output is not { Crop: true, Margins: { PadsPastTheEdge: true } margins })
        {
            return canvas;
        }

        var (width, height) = margins.Largest(canvas.Width, canvas.Height);
        return canvas with { Width = width, Height = height };
    }

    /// <summary>
    /// <c>image_too_large</c> when the largest output of <paramref name="effect"/> on a photo of this size is over
    /// <paramref name="maxPixels"/>, naming the field that grew it most (the one whose reset to 0 would shrink the
    /// canvas most) and every field that grew it; <c>null</c> when it fits.
    /// </summary>
    public static Error? Check(ImageSize photo, Effect effect, long maxPixels, OutputOptions? output = null)
    {
        ArgumentNullException.ThrowIfNull(effect);
        if (photo.Pixels > maxPixels)
        {
            return DomainErrors.Image.TooLarge(photo.Width, photo.Height, maxPixels);
        }

        var largest = Largest(photo, effect);
        var padded = Padded(largest, output);
        if (padded.Pixels <= maxPixels)
        {
            return null;
        }

        // The effect's own canvas fits, so the padding margins grew it past the limit.
        if (largest.Pixels <= maxPixels)
        {
            return DomainErrors.Image.OutputTooLarge(
                "crop_margin", [], photo, padded.Width, padded.Height, maxPixels, "the crop margin pads");
        }

        // Only a shadow grows the canvas, and the photo itself fits, so the shadow's fields did it.
        var shadow = (ShadowEffect)effect;
        var growers = new (string Field, int Value, long Without)[]
        {
            ("offset_x", shadow.OffsetX, Largest(photo, shadow with { OffsetX = 0 }).Pixels),
            ("offset_y", shadow.OffsetY, Largest(photo, shadow with { OffsetY = 0 }).Pixels),
            ("blur_radius", shadow.BlurRadius, Largest(photo, shadow with { BlurRadius = 0 }).Pixels),
        }.Where(g => g.Without < largest.Pixels).ToArray();

        // The stable sort keeps the form's order (offset_x, offset_y, blur_radius) between equals.
        var field = growers.Length == 0 ? "blur_radius" : growers.OrderBy(g => g.Without).First().Field;
        var growth = growers.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Field}={g.Value}")).ToArray();
        return DomainErrors.Image.OutputTooLarge(field, growth, photo, largest.Width, largest.Height, maxPixels);
    }

    /// <summary>How far past the subject's box the blur carries the shadow: 3σ (a negative σ reaches nowhere).</summary>
    private static long Reach(int blurRadius) => 3L * Math.Max(0, blurRadius);
}
