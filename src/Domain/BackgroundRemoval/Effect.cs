using FapiHub.Domain.Imaging;

namespace FapiHub.Domain.BackgroundRemoval;

/// <summary>What to do with the subject once the matte is known. One command serves every endpoint; they differ by effect.</summary>
public abstract record Effect
{
    /// <summary>True when the result has no transparent pixel, which is what JPEG can hold.</summary>
    public abstract bool IsOpaque { get; }

    /// <summary>The still-encoded background picture this effect lays, if any: checked from its header before a turn.</summary>
    public virtual ImageBackgroundEffect? Picture => null;
}

/// <summary>The subject on a transparent background (<c>/v2/rembg/</c>).</summary>
public sealed record CutoutEffect : Effect
{
    public override bool IsOpaque => false;
}

/// <summary>The matte itself as a grayscale image (<c>/v2/rembg/mask/</c>).</summary>
public sealed record MaskEffect : Effect
{
    public override bool IsOpaque => true;
}

/// <summary>The subject sharp over its own background blurred with a Gaussian of standard deviation <paramref name="Radius"/> px.</summary>
public sealed record BlurEffect(int Radius) : Effect
{
    public const int MinRadius = 1;
    public const int MaxRadius = 50;

    public override bool IsOpaque => true;
}

/// <summary>The subject over a solid colour.</summary>
public sealed record ColorEffect(Rgba Color) : Effect
{
    public override bool IsOpaque => Color.IsOpaque;
}

/// <summary>
/// The subject over a picture (<paramref name="Image"/>, still encoded), scaled to cover the canvas with its aspect kept
/// and centred, unless it already has the canvas's exact size (remove.bg's <c>bg_image_file</c> / <c>bg_image_url</c>).
/// An opaque <paramref name="Underlay"/> is laid under the picture, so a format without alpha can carry the result.
/// </summary>
public sealed record ImageBackgroundEffect(ReadOnlyMemory<byte> Image, Rgba? Underlay = null) : Effect
{
    // Without an opaque underlay the picture may have transparency of its own, which only decoding it would tell.
    public override bool IsOpaque => Underlay is { IsOpaque: true };

    public override ImageBackgroundEffect? Picture => this;
}

/// <summary>The subject over a vertical linear gradient from <paramref name="Top"/> to <paramref name="Bottom"/>.</summary>
public sealed record GradientEffect(Rgba Top, Rgba Bottom) : Effect
{
    public override bool IsOpaque => Top.IsOpaque && Bottom.IsOpaque;
}

/// <summary>
/// The cut-out with a soft drop shadow on a transparent background: the subject's silhouette offset by
/// (<paramref name="OffsetX"/>, <paramref name="OffsetY"/>), blurred with standard deviation <paramref name="BlurRadius"/>,
/// in <paramref name="Color"/>. The canvas grows where needed so the shadow is never clipped.
/// </summary>
public sealed record ShadowEffect(int OffsetX, int OffsetY, int BlurRadius, Rgba Color) : Effect
{
    // The one place for the shadow's defaults and ranges: the edge mappings, their messages, the validator and the form's OpenAPI attributes read them.
    public const int DefaultOffsetX = 0;
    public const int DefaultOffsetY = 10;
    public const int MaxOffset = 1000;
    public const int DefaultBlurRadius = 15;
    public const int MaxBlurRadius = 100;

    /// <summary>The default colour as a client would write it (the form documents this text).</summary>
    public const string DefaultColorText = "0, 0, 0, 150";

    public static readonly Rgba DefaultColor =
        Rgba.TryParse(DefaultColorText, out var color) ? color : throw new InvalidOperationException("DefaultColorText does not parse.");

    /// <summary>
    /// What the shadowed cut-out is laid on once its canvas is final (cropped, scaled): a <see cref="ColorEffect"/> or an
    /// <see cref="ImageBackgroundEffect"/>, so the shadow falls on the background (remove.bg's <c>add_shadow</c> with
    /// <c>bg_color</c> / <c>bg_image_*</c>); <c>null</c>: transparent.
    /// </summary>
    public Effect? Background
    {
        get;
        init => field = value is null or ColorEffect or ImageBackgroundEffect
            ? value
            : throw new ArgumentException("A shadow is laid on a colour or a picture only.", nameof(value));
    }

    /// <summary>
    /// <c>true</c>: deliver the alpha of the shadowed cut-out as a grayscale matte (shadow included), the alpha channel
    /// of what the colour answer would be (remove.bg's <c>channels=alpha</c> with <c>add_shadow</c>).
    /// </summary>
    public bool MatteOnly { get; init; }

    public override bool IsOpaque => MatteOnly || Background is { IsOpaque: true };

    public override ImageBackgroundEffect? Picture => Background as ImageBackgroundEffect;
}
