namespace FapiHub.Domain.Imaging;

public enum OutputFormat
{
    Png,
    WebP,
    Jpeg,

    /// <summary>PNG when the result has a transparent pixel, else JPEG (remove.bg's <c>format=auto</c>).</summary>
    Auto,

    /// <summary>A ZIP of <c>color.jpg</c> (the result's colour, alpha dropped) and <c>alpha.png</c> (its alpha as 8-bit grey), as remove.bg packs it.</summary>
    Zip,
}

/// <summary>How the result is delivered.</summary>
/// <param name="Quality">1–100, for the lossy formats (WebP, JPEG); PNG is lossless and ignores it.</param>
/// <param name="Crop">Crop to the subject's bounding box (plus <paramref name="CropMargin"/> px), for tight product shots.</param>
public sealed record OutputOptions(OutputFormat Format = OutputFormat.Png, int Quality = OutputOptions.DefaultQuality, bool Crop = false, int CropMargin = OutputOptions.DefaultCropMargin)
{
    // The one place for the delivery fields' defaults and ranges: the edge mappings, their messages, the validator and the form's OpenAPI attributes read them.
    public const int MinQuality = 1;
    public const int DefaultQuality = 90;
    public const int MaxQuality = 100;
    public const int DefaultCropMargin = 0;
    public const int MaxCropMargin = 10_000;

    /// <summary>Pixels with alpha above this (of 255) count as subject when cropping: faint halo and noise do not stretch the box.</summary>
    public const byte CropAlphaThreshold = 8;

    public static readonly OutputOptions Default = new();

    /// <summary>Margins per side when cropping; <c>null</c>: <see cref="CropMargin"/> pixels on every side.</summary>
    public Margins? Margins { get; init; }

    /// <summary>Only what lies inside can be subject (remove.bg's <c>roi</c>); <c>null</c>: the whole photo.</summary>
    public Region? Roi { get; init; }

    /// <summary>The subject scaled and/or moved on its canvas before the background goes behind it; <c>null</c>: where it is.</summary>
    public Placement? Placement { get; init; }

    /// <summary>
    /// <c>false</c>: the matte is hardened to fully opaque or fully transparent (threshold 50 %), so no pixel is
    /// half see-through. <c>true</c> (default): the model's soft edges are kept.
    /// </summary>
    public bool Semitransparency { get; init; } = true;

    /// <summary>The delivered image is scaled down (aspect kept) to at most this many pixels; <c>null</c>: never scaled.</summary>
    public long? MaxPixels { get; init; }

    /// <summary>
    /// <c>true</c>: a photo in which the model finds no subject is a failure (remove.bg's <c>unknown_foreground</c>,
    /// not charged) rather than an empty picture.
    /// </summary>
    public bool RequireForeground { get; init; }

    /// <summary>Margins that apply when cropping.</summary>
    public Margins CropMargins => Margins ?? Imaging.Margins.Uniform(Length.Pixels(CropMargin));

    /// <summary>The content type of <see cref="Format"/>; for <see cref="OutputFormat.Auto"/> the renderer picks PNG or JPEG and says which.</summary>
    public string ContentType => ContentTypeOf(Format);

    public static string ContentTypeOf(OutputFormat format) => format switch
    {
        OutputFormat.WebP => "image/webp",
        OutputFormat.Jpeg => "image/jpeg",
        OutputFormat.Zip => "application/zip",
        _ => "image/png",
    };
}

/// <summary>A rectangle of pixels: [X, X + Width) × [Y, Y + Height).</summary>
public readonly record struct PixelBox(int X, int Y, int Width, int Height)
{
    /// <summary>
    /// This box grown by <paramref name="margin"/> on every side, clipped to a <paramref name="width"/> × <paramref name="height"/>
    /// image: a margin never makes the output larger than the image it is cut from. Long arithmetic, so a box at the
    /// far edge of a huge image plus a margin cannot wrap around.
    /// </summary>
    public PixelBox Inflate(int margin, int width, int height)
    {
        var left = (int)Math.Max(0L, (long)X - margin);
        var top = (int)Math.Max(0L, (long)Y - margin);
        var right = (int)Math.Min(width, (long)X + Width + margin);
        var bottom = (int)Math.Min(height, (long)Y + Height + margin);
        return new PixelBox(left, top, right - left, bottom - top);
    }
}
