using FapiHub.Domain.Imaging;

namespace FapiHub.UnitTests.Infrastructure;

/// <summary>The synthetic scene the imaging tests know the answers on: a subject square (mask 255) on a patterned background.</summary>
internal static class SquareScene
{
    public const int Size = 64;

    /// <summary>A red square subject (16..47) on a grey/white checkerboard of 2-px cells.</summary>
    public static RgbaImage Photo()
    {
        var photo = new RgbaImage(Size, Size);
        var pixels = photo.Span;
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var p = ((y * Size) + x) * 4;
                var inside = x is >= 16 and < 48 && y is >= 16 and < 48;
                var checker = ((x / 2) + (y / 2)) % 2 == 0 ? (byte)90 : (byte)250;
                pixels[p] = inside ? (byte)220 : checker;
                pixels[p + 1] = inside ? (byte)20 : checker;
                pixels[p + 2] = inside ? (byte)20 : checker;
                pixels[p + 3] = 255;
            }
        }

        return photo;
    }

    public static AlphaMask SquareMask()
    {
        var mask = new AlphaMask(Size, Size);
        for (var y = 16; y < 48; y++)
        {
            mask.Span.Slice((y * Size) + 16, 32).Fill(255);
        }

        return mask;
    }

    public static byte[] Pixel(RgbaImage image, int x, int y) => image.Span.Slice(((y * image.Width) + x) * 4, 4).ToArray();
}
