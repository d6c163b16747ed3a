using SkiaSharp;

namespace FapiHub.Quality;

/// <summary>An 8-bit single-channel mask, row-major: 0 = background, 255 = subject.</summary>
internal sealed class GrayMask
{
    public GrayMask(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length != width * height)
        {
            throw new ArgumentException($"{width}x{height} needs {width * height} bytes, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    public bool SameSizeAs(GrayMask other) => Width == other.Width && Height == other.Height;

    /// <summary>
    /// Decodes a PNG (or any format Skia reads) and keeps the red channel. Decoding to RGBA first makes gray, RGB
    /// (alphamatting stores its mattes as R=G=B) and RGBA files all come out the same; unpremultiplied so a PNG with
    /// an alpha channel does not scale the value by its alpha.
    /// </summary>
    public static GrayMask Decode(byte[] encoded)
    {
        using var codec = SKCodec.Create(new MemoryStream(encoded, writable: false))
            ?? throw new InvalidDataException("Not an image Skia can decode.");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw new InvalidDataException($"Decoding failed: {result}.");
        }

        var rgba = bitmap.GetPixelSpan();
        var pixels = new byte[info.Width * info.Height];
        for (int i = 0, p = 0; i < pixels.Length; i++, p += 4)
        {
            pixels[i] = rgba[p];
        }

        return new GrayMask(info.Width, info.Height, pixels);
    }
}
