using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Common;
using FapiHub.Domain.BackgroundRemoval;
using FluentValidation;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

internal sealed class RemoveBackgroundCommandValidator : AbstractValidator<RemoveBackgroundCommand>
{
    public RemoveBackgroundCommandValidator(IModelCatalog catalog)
    {
        // Property names are overridden with the multipart field names so the message tells the client what to fix.
        RuleFor(c => c.Image.Length)
            .GreaterThan(0)
            .OverridePropertyName("image")
            .WithMessage("The multipart field 'image' is required: send the picture as a non-empty file.");

        RuleFor(c => c.Model)
            .Must(model => catalog.TryResolve(model, out _))
            .OverridePropertyName("model")
            .WithMessage(c => $"Unknown model '{Echo.Value(c.Model)}' in field 'model'; allowed: {string.Join(", ", catalog.Names)} (default {catalog.DefaultModel}).");

        RuleFor(c => c.Effect).SetInheritanceValidator(effects =>
        {
            effects.Add(new BlurRules());
            effects.Add(new ColorRules());
            effects.Add(new GradientRules());
            effects.Add(new ShadowRules());
        });

        RuleFor(c => c.Output.Format)
            .Must(format => new OutputRequest(format).TryCreate(out _))
            .OverridePropertyName("format")
            .WithMessage(c => $"Unknown format '{Echo.Value(c.Output.Format)}' in field 'format'; allowed: png (default), webp, jpg.");
        RuleFor(c => c.Output.Quality)
            .InclusiveBetween(1, 100)
            .OverridePropertyName("quality")
            .WithMessage("Field 'quality' must be an integer from 1 to 100 (default 90; used by webp and jpg).");
        RuleFor(c => c.Output.CropMargin)
            .InclusiveBetween(0, Domain.Imaging.OutputOptions.MaxCropMargin)
            .OverridePropertyName("crop_margin")
            .WithMessage($"Field 'crop_margin' must be an integer from 0 to {Domain.Imaging.OutputOptions.MaxCropMargin} (pixels, default 0).");

        // JPEG has no alpha channel: refuse rather than silently flatten a transparent result onto black.
        RuleFor(c => c)
            .Must(c => !IsJpeg(c.Output) || (c.Effect.TryCreate(out var effect) && effect.IsOpaque))
            .When(c => c.Effect.TryCreate(out _))
            .OverridePropertyName("format")
            .WithMessage("Field 'format': jpg cannot hold transparency and this result has a transparent background; use png or webp (or an opaque colour).");
    }

    private static bool IsJpeg(OutputRequest output) =>
        output.TryCreate(out var options) && options.Format == Domain.Imaging.OutputFormat.Jpeg;

    private sealed class BlurRules : AbstractValidator<BlurRequest>
    {
        public BlurRules() =>
            RuleFor(r => r.Radius)
                .Must(radius => radius is >= BlurEffect.MinRadius and <= BlurEffect.MaxRadius)
                .OverridePropertyName("radius")
                .WithMessage($"Field 'radius' is required: an integer from {BlurEffect.MinRadius} to {BlurEffect.MaxRadius} (the blur's standard deviation in pixels).");
    }

    private sealed class ColorRules : AbstractValidator<ColorRequest>
    {
        public ColorRules() => RuleFor(r => r.BgColor).MustBeAColor("bgcolor", required: true);
    }

    private sealed class GradientRules : AbstractValidator<GradientRequest>
    {
        public GradientRules()
        {
            RuleFor(r => r.TopColor).MustBeAColor("top_color", required: true);
            RuleFor(r => r.BottomColor).MustBeAColor("bottom_color", required: true);
        }
    }

    private sealed class ShadowRules : AbstractValidator<ShadowRequest>
    {
        public ShadowRules()
        {
            RuleFor(r => r.OffsetX)
                .InclusiveBetween(-ShadowEffect.MaxOffset, ShadowEffect.MaxOffset)
                .OverridePropertyName("offset_x")
                .WithMessage($"Field 'offset_x' must be an integer from -{ShadowEffect.MaxOffset} to {ShadowEffect.MaxOffset} (pixels, default 0).");
            RuleFor(r => r.OffsetY)
                .InclusiveBetween(-ShadowEffect.MaxOffset, ShadowEffect.MaxOffset)
                .OverridePropertyName("offset_y")
                .WithMessage($"Field 'offset_y' must be an integer from -{ShadowEffect.MaxOffset} to {ShadowEffect.MaxOffset} (pixels, default 10).");
            RuleFor(r => r.BlurRadius)
                .InclusiveBetween(0, ShadowEffect.MaxBlurRadius)
                .OverridePropertyName("blur_radius")
                .WithMessage($"Field 'blur_radius' must be an integer from 0 to {ShadowEffect.MaxBlurRadius} (pixels, default 15).");
            RuleFor(r => r.ShadowColor).MustBeAColor("shadow_color", required: false);
        }
    }
}

/// <summary>The colour rule shared by every colour field.</summary>
internal static class ColorRules
{
    public const string Forms = "'255, 140, 0', '255,140,0,128', '(255, 255, 255, 255)', '#FF8C00' or '#FF8C0080'";

    public static IRuleBuilderOptions<T, string?> MustBeAColor<T>(this IRuleBuilder<T, string?> rule, string field, bool required) =>
        rule.Must(value => (!required && string.IsNullOrWhiteSpace(value)) || Domain.Imaging.Rgba.TryParse(value, out _))
            .OverridePropertyName(field)
            .WithMessage((_, value) => string.IsNullOrWhiteSpace(value)
                ? $"Field '{field}' is required: a colour such as {Forms}."
                : $"Field '{field}' has the unreadable colour '{Echo.Value(value)}'; use {Forms} (components 0-255).");
}
