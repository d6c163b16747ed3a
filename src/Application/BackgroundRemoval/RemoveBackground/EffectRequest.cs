using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Imaging;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

/// <summary>
/// The effect as the client asked for it: form values not yet known to be valid. The validator checks them with the
/// same <see cref="TryCreate"/> the handler uses to build the domain <see cref="Effect"/>, so they cannot disagree.
/// </summary>
public abstract record EffectRequest
{
    /// <summary>The domain effect, or <c>false</c> when a value is missing or out of range.</summary>
    public abstract bool TryCreate(out Effect effect);

    public Effect Create() =>
        TryCreate(out var effect) ? effect : throw new InvalidOperationException($"{GetType().Name} was not validated.");
}

/// <summary><c>/v2/rembg/</c>: transparent background.</summary>
public sealed record CutoutRequest : EffectRequest
{
    public override bool TryCreate(out Effect effect)
    {
        effect = new CutoutEffect();
        return true;
    }
}

/// <summary><c>/v2/rembg/mask/</c>: the matte.</summary>
public sealed record MaskRequest : EffectRequest
{
    public override bool TryCreate(out Effect effect)
    {
        effect = new MaskEffect();
        return true;
    }
}

/// <summary><c>/v2/rembg/blur/</c>: <c>radius</c> 1–50, required.</summary>
public sealed record BlurRequest(int? Radius) : EffectRequest
{
    public override bool TryCreate(out Effect effect)
    {
        effect = new BlurEffect(Radius ?? 0);
        return Radius is >= BlurEffect.MinRadius and <= BlurEffect.MaxRadius;
    }
}

/// <summary><c>/v2/rembg/color/</c>: <c>bgcolor</c>, required.</summary>
public sealed record ColorRequest(string? BgColor) : EffectRequest
{
    public override bool TryCreate(out Effect effect)
    {
        var ok = Rgba.TryParse(BgColor, out var color);
        effect = new ColorEffect(color);
        return ok;
    }
}

/// <summary><c>/v2/rembg/gradient/</c>: <c>top_color</c> and <c>bottom_color</c>, required.</summary>
public sealed record GradientRequest(string? TopColor, string? BottomColor) : EffectRequest
{
    public override bool TryCreate(out Effect effect)
    {
        var ok = Rgba.TryParse(TopColor, out var top) & Rgba.TryParse(BottomColor, out var bottom);
        effect = new GradientEffect(top, bottom);
        return ok;
    }
}

/// <summary>
/// <c>/v2/rembg/shadow/</c>: <c>offset_x</c> (default 0), <c>offset_y</c> (default 10), <c>blur_radius</c> 0–100
/// (default 15), <c>shadow_color</c> (default <c>0, 0, 0, 150</c>).
/// </summary>
public sealed record ShadowRequest(int? OffsetX, int? OffsetY, int? BlurRadius, string? ShadowColor) : EffectRequest
{
    public override bool TryCreate(out Effect effect)
    {
        var color = ShadowEffect.DefaultColor;
        var colorOk = string.IsNullOrWhiteSpace(ShadowColor) || Rgba.TryParse(ShadowColor, out color);
        var shadow = new ShadowEffect(OffsetX ?? 0, OffsetY ?? 10, BlurRadius ?? 15, color);
        effect = shadow;
        // Ranges, not Math.Abs: offset_x=-2147483648 binds, and its absolute value throws (a 500, not a 400).
        return colorOk
            && shadow.OffsetX is >= -ShadowEffect.MaxOffset and <= ShadowEffect.MaxOffset
            && shadow.OffsetY is >= -ShadowEffect.MaxOffset and <= ShadowEffect.MaxOffset
            && shadow.BlurRadius is >= 0 and <= ShadowEffect.MaxBlurRadius;
    }
}

/// <summary>Delivery fields shared by every image endpoint: <c>format</c>, <c>quality</c>, <c>crop</c>, <c>crop_margin</c>.</summary>
public sealed record OutputRequest(string? Format = null, int? Quality = null, bool? Crop = null, int? CropMargin = null)
{
    public static readonly OutputRequest Default = new();

    public bool TryCreate(out OutputOptions options)
    {
        var format = Format?.Trim().ToUpperInvariant() switch
        {
            null or "" or "PNG" => OutputFormat.Png,
            "WEBP" => OutputFormat.WebP,
            "JPG" or "JPEG" => OutputFormat.Jpeg,
            _ => (OutputFormat?)null,
        };
        options = new OutputOptions(format ?? OutputFormat.Png, Quality ?? OutputOptions.DefaultQuality, Crop ?? false, CropMargin ?? 0);
        return format is not null
            && options.Quality is >= 1 and <= 100
            && options.CropMargin is >= 0 and <= OutputOptions.MaxCropMargin;
    }

    public OutputOptions Create() =>
        TryCreate(out var options) ? options : throw new InvalidOperationException("OutputRequest was not validated.");
}
