using SkiaSharp;

namespace FapiHub.Tests.Shared;

/// <summary>Synthetic images for tests, made in memory so no fixture has to be committed for them.</summary>
internal static class TestImages
{
    /// <summary>Encodes an image whose pixel (x, y) is <paramref name="color"/>(x, y).</summary>
    public static byte[] Encode(int width, int height, Func<int, int, SKColor> color, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 95)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, color(x, y));
            }
        }

        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>
    /// Issue 13's shape: a white <paramref name="width"/> × <paramref name="height"/> PNG with a blue bar across the middle
    /// 30 % of its long axis (two pixels thick on the short one). Written row by row into the bitmap rather than pixel by
    /// pixel, and so uniform that a 4 × 1,000,000 strip encodes to a few KB: no fixture to commit.
    /// </summary>
    public static byte[] ThinStrip(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var pixels = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(bitmap.GetPixelSpan());
        pixels.Fill(0xFFFFFFFF);
        var tall = height >= width;
        int along = tall ? height : width, across = tall ? width : height;
        const uint Blue = 0xFFC81414; // RGBA (20, 20, 200, 255), little-endian
        for (var a = along * 35 / 100; a < along * 65 / 100; a++)
        {
            for (var c = Math.Min(1, across - 1); c < Math.Min(3, across); c++)
            {
                pixels[tall ? (a * width) + c : (c * width) + a] = Blue;
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// Inserts an EXIF APP1 segment carrying only the Orientation tag right after the JPEG's SOI marker, the way
    /// cameras write it. Little-endian TIFF, one IFD entry: tag 0x0112, type SHORT, count 1.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        if (jpeg.Length < 2 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new ArgumentException("Not a JPEG.", nameof(jpeg));
        }

        byte[] tiff =
        [
            (byte)'I', (byte)'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, // header, IFD0 at offset 8
            0x01, 0x00,                                               // one entry
            0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,           // Orientation, SHORT, count 1
            (byte)orientation, (byte)(orientation >> 8), 0x00, 0x00,  // value, padded to 4 bytes
            0x00, 0x00, 0x00, 0x00,                                   // no next IFD
        ];
        byte[] exifHeader = [(byte)'E', (byte)'x', (byte)'i', (byte)'f', 0x00, 0x00];
        var segmentLength = 2 + exifHeader.Length + tiff.Length;
        using var output = new MemoryStream();
        output.Write(jpeg, 0, 2);
        output.Write([0xFF, 0xE1, (byte)(segmentLength >> 8), (byte)segmentLength]);
        output.Write(exifHeader);
        output.Write(tiff);
        output.Write(jpeg, 2, jpeg.Length - 2);
        return output.ToArray();
    }

    /// <summary>
    /// A structurally valid PNG signature + IHDR declaring <paramref name="width"/> × <paramref name="height"/>,
    /// followed by a tiny IDAT: a decompression bomb as far as the header is concerned.
    /// </summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] ihdr =
        [
            (byte)(width >> 24), (byte)(width >> 16), (byte)(width >> 8), (byte)width,
            (byte)(height >> 24), (byte)(height >> 16), (byte)(height >> 8), (byte)height,
            8, 2, 0, 0, 0, // 8-bit RGB, deflate, adaptive filtering, no interlace
        ];
        WriteChunk(output, "IHDR", ihdr);
        WriteChunk(output, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>
    /// A complete, valid 1 × <paramref name="height"/> 8-bit greyscale PNG, written directly (a bitmap of 25 million
    /// rows would take seconds to fill): every row is filter byte 0 and one grey pixel, which deflates to a few KB per
    /// million rows.
    /// </summary>
    public static byte[] OnePixelWidePng(int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(output, "IHDR", [0, 0, 0, 1, (byte)(height >> 24), (byte)(height >> 16), (byte)(height >> 8), (byte)height, 8, 0, 0, 0, 0]);
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            var rows = new byte[2 * 65_536];
            for (var i = 1; i < rows.Length; i += 2)
            {
                rows[i] = 200;
            }

            for (var done = 0; done < height; done += 65_536)
            {
                zlib.Write(rows, 0, 2 * Math.Min(65_536, height - done));
            }
        }

        WriteChunk(output, "IDAT", compressed.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>Reads width, height, bit depth and colour type from a PNG's IHDR.</summary>
    public static (int Width, int Height, int BitDepth, int ColorType) PngHeader(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (png.Length < 26 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G')
        {
            throw new ArgumentException("Not a PNG.", nameof(png));
        }

        static int BigEndian(byte[] b, int i) => (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
        return (BigEndian(png, 16), BigEndian(png, 20), png[24], png[25]);
    }

    /// <summary>The PNG chunk CRC (ISO 3309 / zlib polynomial), bit by bit: tiny inputs, no table needed.</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write([(byte)(data.Length >> 24), (byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length]);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc32([.. typeBytes, .. data]);
        output.Write([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
    }
}
