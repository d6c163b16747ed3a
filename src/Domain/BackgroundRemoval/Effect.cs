using FapiHub.Domain.Imaging;

namespace FapiHub.Domain.BackgroundRemoval;

/// <summary>What to do with the subject once the matte is known. One command serves every endpoint; they differ by effect.</summary>
public abstract record Effect
{
    /// <summary>True when the result has no transparent pixel, which is what JPEG can hold.</summary>
    public abstract bool IsOpaque { get; }
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

    public override bool IsOpaque => false;
}
