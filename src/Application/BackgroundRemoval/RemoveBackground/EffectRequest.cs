using System.Globalization;
using FapiHub.Application.Common;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Domain.Imaging;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

/// <summary>
/// The effect as the client asked for it: form values not yet known to be valid. <see cref="Parse"/> is the only place
/// they are checked and turned into the domain <see cref="Effect"/> (see <see cref="RemoveBackgroundRequestParser"/>).
/// </summary>
public abstract record EffectRequest
{
    /// <summary>The domain effect, or <c>null</c> with one error per bad field (named by its form field) added to <paramref name="errors"/>.</summary>
    internal abstract Effect? Parse(ICollection<Error> errors);
}

/// <summary>An effect another protocol's edge has already read into the domain's terms (remove.bg's parameters).</summary>
public sealed record ParsedEffectRequest(Effect Effect) : EffectRequest
{
    internal override Effect Parse(ICollection<Error> errors) => Effect;
}

/// <summary><c>/v2/rembg/</c>: transparent background.</summary>
public sealed record CutoutRequest : EffectRequest
{
    internal override Effect Parse(ICollection<Error> errors) => new CutoutEffect();
}

/// <summary><c>/v2/rembg/mask/</c>: the matte.</summary>
public sealed record MaskRequest : EffectRequest
{
    internal override Effect Parse(ICollection<Error> errors) => new MaskEffect();
}

/// <summary><c>/v2/rembg/blur/</c>: <c>radius</c> from <see cref="BlurEffect.MinRadius"/> to <see cref="BlurEffect.MaxRadius"/>, required.</summary>
public sealed record BlurRequest(int? Radius) : EffectRequest
{
    internal override Effect? Parse(ICollection<Error> errors)
    {
        if (Radius is >= BlurEffect.MinRadius and <= BlurEffect.MaxRadius)
        {
            return new BlurEffect(Radius.Value);
        }

        // A value given but out of range is not a missing one: radius=0 used to read "is required".
        var range = string.Create(CultureInfo.InvariantCulture, $"an integer from {BlurEffect.MinRadius} to {BlurEffect.MaxRadius} (the blur's standard deviation in pixels)");
        errors.Add(FormField.Invalid(
            "radius",
            Radius is { } given
                ? string.Create(CultureInfo.InvariantCulture, $"Field 'radius' must be {range}; was {given}.")
                : $"Field 'radius' must be given: {range}."));
        return null;
    }
}

/// <summary><c>/v2/rembg/color/</c>: <c>bgcolor</c>, required.</summary>
public sealed record ColorRequest(string? BgColor) : EffectRequest
{
    internal override Effect? Parse(ICollection<Error> errors) =>
        FormField.TryParseColor(BgColor, "bgcolor", errors, out var color) ? new ColorEffect(color) : null;
}

/// <summary><c>/v2/rembg/gradient/</c>: <c>top_color</c> and <c>bottom_color</c>, required.</summary>
public sealed record GradientRequest(string? TopColor, string? BottomColor) : EffectRequest
{
    internal override Effect? Parse(ICollection<Error> errors)
    {
        // Both parsed (no short-circuit), so a client with two bad colours hears about both.
        var topOk = FormField.TryParseColor(TopColor, "top_color", errors, out var top);
        var bottomOk = FormField.TryParseColor(BottomColor, "bottom_color", errors, out var bottom);
        return topOk && bottomOk ? new GradientEffect(top, bottom) : null;
    }
}

/// <summary>
/// <c>/v2/rembg/shadow/</c>: <c>offset_x</c>, <c>offset_y</c>, <c>blur_radius</c> and <c>shadow_color</c>, each optional;
/// the defaults and ranges are <see cref="ShadowEffect"/>'s constants.
/// </summary>
public sealed record ShadowRequest(int? OffsetX, int? OffsetY, int? BlurRadius, string? ShadowColor) : EffectRequest
{
    internal override Effect? Parse(ICollection<Error> errors)
    {
        var before = errors.Count;
        var offsetX = FormField.InRange(OffsetX, ShadowEffect.DefaultOffsetX, -ShadowEffect.MaxOffset, ShadowEffect.MaxOffset, "offset_x", errors);
        var offsetY = FormField.InRange(OffsetY, ShadowEffect.DefaultOffsetY, -ShadowEffect.MaxOffset, ShadowEffect.MaxOffset, "offset_y", errors);
        var blur = FormField.InRange(BlurRadius, ShadowEffect.DefaultBlurRadius, 0, ShadowEffect.MaxBlurRadius, "blur_radius", errors);
        var color = ShadowEffect.DefaultColor;
        if (!string.IsNullOrWhiteSpace(ShadowColor))
        {
            FormField.TryParseColor(ShadowColor, "shadow_color", errors, out color);
        }

        return errors.Count == before ? new ShadowEffect(offsetX, offsetY, blur, color) : null;
    }
}

/// <summary>Delivery fields shared by every image endpoint: <c>format</c>, <c>quality</c>, <c>crop</c>, <c>crop_margin</c>.</summary>
public sealed record OutputRequest(string? Format = null, int? Quality = null, bool? Crop = null, int? CropMargin = null)
{
    public static readonly OutputRequest Default = new();

    /// <summary>Options another protocol's edge has already read into the domain's terms; when set, the fields above are not read.</summary>
    public OutputOptions? Parsed { get; init; }

    /// <summary>The delivery options, or <c>null</c> with one error per bad field added to <paramref name="errors"/>.</summary>
    internal OutputOptions? Parse(ICollection<Error> errors)
    {
        if (Parsed is { } parsed)
        {
            return parsed;
        }

        var before = errors.Count;
        var format = Format?.Trim().ToUpperInvariant() switch
        {
            null or "" or "PNG" => OutputFormat.Png,
            "WEBP" => OutputFormat.WebP,
            "JPG" or "JPEG" => OutputFormat.Jpeg,
            _ => (OutputFormat?)null,
        };
        if (format is null)
        {
            errors.Add(FormField.Invalid("format", $"Field 'format' must be png (the default), webp or jpg; was '{Echo.Value(Format)}'."));
        }

        var quality = FormField.InRange(
            Quality,
            OutputOptions.DefaultQuality,
            OutputOptions.MinQuality,
            OutputOptions.MaxQuality,
            "quality",
            errors,
            string.Create(CultureInfo.InvariantCulture, $"default {OutputOptions.DefaultQuality}; used by webp and jpg"));
        var cropMargin = FormField.InRange(
            CropMargin, OutputOptions.DefaultCropMargin, 0, OutputOptions.MaxCropMargin, "crop_margin", errors);
        return errors.Count == before ? new OutputOptions(format!.Value, quality, Crop ?? false, cropMargin) : null;
    }
}

/// <summary>How a form field is checked and how its error reads: the message names the field, its range and its default.</summary>
internal static class FormField
{
    public static Error Invalid(string field, string message) => Errors.Request.InvalidField(field, message);

    /// <summary>
    /// The value, or <paramref name="defaultValue"/> when omitted. Ranges, not <c>Math.Abs</c>: <c>offset_x=-2147483648</c>
    /// binds, and its absolute value throws (a 500, not a 400).
    /// </summary>
    public static int InRange(int? value, int defaultValue, int min, int max, string field, ICollection<Error> errors, string? note = null)
    {
        var actual = value ?? defaultValue;
        if (actual < min || actual > max)
        {
            note ??= string.Create(CultureInfo.InvariantCulture, $"pixels, default {defaultValue}");
            errors.Add(Invalid(field, string.Create(CultureInfo.InvariantCulture, $"Field '{field}' must be an integer from {min} to {max} ({note}); was {actual}.")));
        }

        return actual;
    }

    /// <summary>A colour in any of <see cref="Rgba.Forms"/>; a missing or unreadable one is an error naming the field.</summary>
    public static bool TryParseColor(string? value, string field, ICollection<Error> errors, out Rgba color)
    {
        if (Rgba.TryParse(value, out color))
        {
            return true;
        }

        errors.Add(Invalid(
            field,
            string.IsNullOrWhiteSpace(value)
                ? $"Field '{field}' must be given: a colour such as {Rgba.Forms}."
                : $"Field '{field}' must be a colour such as {Rgba.Forms} (components 0-255); was '{Echo.Value(value)}'."));
        return false;
    }
}
