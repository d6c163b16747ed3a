using System.Globalization;
using FapiHub.Api.Contracts;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Application.Common;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Domain.Imaging;

namespace FapiHub.Api.Protocols.FapiHubV2;

/// <summary>
/// FapiHub's v2 form vocabulary turned into the typed <see cref="RemoveBackgroundCommand"/>: each field checked once,
/// here, and every field at fault reported together, named by its form field. Another protocol sits beside this one
/// with its own mapping to the same command; the handler does not change.
/// </summary>
public sealed class FapiHubV2FormMapping(IModelCatalog catalog)
{
    /// <summary><c>/v2/rembg/</c>: transparent background.</summary>
    public Result<RemoveBackgroundCommand> Cutout(RemoveBackgroundForm form, ReadOnlyMemory<byte> image) =>
        ToCommand(form, image, form.Model, static _ => new CutoutEffect());

    /// <summary><c>/v2/rembg/mask/</c>: the matte.</summary>
    public Result<RemoveBackgroundCommand> Mask(RemoveBackgroundForm form, ReadOnlyMemory<byte> image) =>
        ToCommand(form, image, form.Model, static _ => new MaskEffect());

    /// <summary><c>/v2/rembg/blur/</c>: <c>radius</c>, required.</summary>
    public Result<RemoveBackgroundCommand> Blur(BlurForm form, ReadOnlyMemory<byte> image) =>
        ToCommand(form, image, null, errors => Radius(form.Radius, errors));

    /// <summary><c>/v2/rembg/color/</c>: <c>bgcolor</c>, required.</summary>
    public Result<RemoveBackgroundCommand> Color(ColorForm form, ReadOnlyMemory<byte> image) =>
        ToCommand(form, image, null, errors => FormField.TryParseColor(form.BgColor, "bgcolor", errors, out var color) ? new ColorEffect(color) : null);

    /// <summary><c>/v2/rembg/gradient/</c>: <c>top_color</c> and <c>bottom_color</c>, required.</summary>
    public Result<RemoveBackgroundCommand> Gradient(GradientForm form, ReadOnlyMemory<byte> image) =>
        ToCommand(form, image, null, errors =>
        {
            // Both parsed (no short-circuit), so a client with two bad colours hears about both.
            var topOk = FormField.TryParseColor(form.TopColor, "top_color", errors, out var top);
            var bottomOk = FormField.TryParseColor(form.BottomColor, "bottom_color", errors, out var bottom);
            return topOk && bottomOk ? new GradientEffect(top, bottom) : null;
        });

    /// <summary><c>/v2/rembg/shadow/</c>: every field optional, defaults and ranges from <see cref="ShadowEffect"/>.</summary>
    public Result<RemoveBackgroundCommand> Shadow(ShadowForm form, ReadOnlyMemory<byte> image) =>
        ToCommand(form, image, null, errors =>
        {
            var before = errors.Count;
            var offsetX = FormField.InRange(form.OffsetX, ShadowEffect.DefaultOffsetX, -ShadowEffect.MaxOffset, ShadowEffect.MaxOffset, "offset_x", errors);
            var offsetY = FormField.InRange(form.OffsetY, ShadowEffect.DefaultOffsetY, -ShadowEffect.MaxOffset, ShadowEffect.MaxOffset, "offset_y", errors);
            var blur = FormField.InRange(form.BlurRadius, ShadowEffect.DefaultBlurRadius, 0, ShadowEffect.MaxBlurRadius, "blur_radius", errors);
            var color = ShadowEffect.DefaultColor;
            if (!string.IsNullOrWhiteSpace(form.ShadowColor))
            {
                FormField.TryParseColor(form.ShadowColor, "shadow_color", errors, out color);
            }

            return errors.Count == before ? new ShadowEffect(offsetX, offsetY, blur, color) : null;
        });

    /// <summary>
    /// The command, or every field error in form order: image, model, the effect's fields, then the delivery fields.
    /// Combinations of valid values (jpg for a transparent result) are the command's invariants, checked by its validator.
    /// </summary>
    private Result<RemoveBackgroundCommand> ToCommand(ImageForm form, ReadOnlyMemory<byte> image, string? model, Func<List<Error>, Effect?> effect)
    {
        var errors = new List<Error>();
        if (image.IsEmpty)
        {
            errors.Add(RemoveBackgroundErrors.ImageMissing);
        }

        if (!catalog.TryResolve(model, out var resolved))
        {
            errors.Add(RemoveBackgroundErrors.UnknownModel(model, catalog));
        }

        var parsedEffect = effect(errors);
        var output = Output(form, errors);
        return errors.Count == 0
            ? new RemoveBackgroundCommand(image, resolved, parsedEffect!, output!)
            : DomainErrors.Request.InvalidFields(errors);
    }

    /// <summary>The blur's radius; a value given but out of range is told apart from a missing one.</summary>
    private static BlurEffect? Radius(int? radius, List<Error> errors)
    {
        if (radius is >= BlurEffect.MinRadius and <= BlurEffect.MaxRadius)
        {
            return new BlurEffect(radius.Value);
        }

        var range = string.Create(CultureInfo.InvariantCulture, $"an integer from {BlurEffect.MinRadius} to {BlurEffect.MaxRadius} (the blur's standard deviation in pixels)");
        errors.Add(FormField.Invalid(
            "radius",
            radius is { } given
                ? string.Create(CultureInfo.InvariantCulture, $"Field 'radius' must be {range}; was {given}.")
                : $"Field 'radius' must be given: {range}."));
        return null;
    }

    /// <summary>The delivery fields every image endpoint shares: <c>format</c>, <c>quality</c>, <c>crop</c>, <c>crop_margin</c>.</summary>
    private static OutputOptions? Output(ImageForm form, List<Error> errors)
    {
        var before = errors.Count;
        var format = form.Format?.Trim().ToUpperInvariant() switch
        {
            null or "" or "PNG" => OutputFormat.Png,
            "WEBP" => OutputFormat.WebP,
            "JPG" or "JPEG" => OutputFormat.Jpeg,
            _ => (OutputFormat?)null,
        };
        if (format is null)
        {
            errors.Add(FormField.Invalid("format", $"Field 'format' must be png (the default), webp or jpg; was '{Echo.Value(form.Format)}'."));
        }

        var quality = FormField.InRange(
            form.Quality,
            OutputOptions.DefaultQuality,
            OutputOptions.MinQuality,
            OutputOptions.MaxQuality,
            "quality",
            errors,
            string.Create(CultureInfo.InvariantCulture, $"default {OutputOptions.DefaultQuality}; used by webp and jpg"));
        var cropMargin = FormField.InRange(form.CropMargin, OutputOptions.DefaultCropMargin, 0, OutputOptions.MaxCropMargin, "crop_margin", errors);
        return errors.Count == before ? new OutputOptions(format!.Value, quality, form.Crop ?? false, cropMargin) : null;
    }

    /// <summary>How a form field is checked and how its error reads: the message names the field, its range and its default.</summary>
    private static class FormField
    {
        public static Error Invalid(string field, string message) => DomainErrors.Request.InvalidField(field, message);

        /// <summary>
        /// The value, or <paramref name="defaultValue"/> when omitted. Ranges, not <c>Math.Abs</c>: <c>offset_x=-2147483648</c>
        /// binds, and its absolute value throws (a 500, not a 400).
        /// </summary>
        public static int InRange(int? value, int defaultValue, int min, int max, string field, List<Error> errors, string? note = null)
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
        public static bool TryParseColor(string? value, string field, List<Error> errors, out Rgba color)
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
}
