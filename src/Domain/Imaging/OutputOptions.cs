namespace FapiHub.Domain.Imaging;

public enum OutputFormat
{
    Png,
    WebP,
    Jpeg,
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

    public string ContentType => Format switch
    {
        OutputFormat.WebP => "image/webp",
        OutputFormat.Jpeg => "image/jpeg",
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
