using SkiaSharp;

namespace FapiHub.Benchmarks;

/// <summary>Deterministic photo-like inputs: smooth gradients, a disc "subject" and fine noise (so JPEG and PNG have real work).</summary>
internal static class SyntheticPhoto
{
    /// <summary>4:3 dimensions of about <paramref name="megapixels"/> million pixels.</summary>
    public static (int Width, int Height) Size(double megapixels)
    {
        var height = (int)Math.Round(Math.Sqrt(megapixels * 1_000_000 * 3 / 4));
        return ((int)Math.Round(height * 4 / 3.0), height);
    }

    public static byte[] Jpeg(int width, int height, int quality = 90)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        var random = new Random(42);
        double cx = width * 0.5, cy = height * 0.55, r = Math.Min(width, height) * 0.3;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = ((y * width) + x) * 4;
                var inside = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) < r * r;
                var noise = random.Next(-12, 13);
                pixels[p] = (byte)Math.Clamp((inside ? 200 : 40 + (x * 120 / width)) + noise, 0, 255);
                pixels[p + 1] = (byte)Math.Clamp((inside ? 90 : 60 + (y * 100 / height)) + noise, 0, 255);
                pixels[p + 2] = (byte)Math.Clamp((inside ? 60 : 150) + noise, 0, 255);
                pixels[p + 3] = 255;
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    /// <summary>A soft-edged disc matte at the model's resolution, like a model output.</summary>
    public static float[] Matte(int side)
    {
        var matte = new float[side * side];
        double c = side * 0.5, r = side * 0.3;
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var d = Math.Sqrt(((x - c) * (x - c)) + ((y - c) * (y - c)));
                matte[(y * side) + x] = (float)Math.Clamp((r - d) / 3 + 0.5, 0, 1);
            }
        }

        return matte;
    }
}
