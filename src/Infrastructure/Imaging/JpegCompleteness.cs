using SkiaSharp;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>
/// Catches the JPEGs libjpeg-turbo decodes "successfully" although their data stops early: a truncated upload with an
/// end marker appended, or a header that claims more rows than the data holds. On hitting a marker inside the image
/// data libjpeg only warns (SkiaSharp does not surface warnings) and decodes every missing block as zeros, which is
/// mid-grey (128, 128, 128). So a decode whose last row is exactly that grey is checked once more: the same bytes with
/// zeros inserted before the end marker. A complete image has finished before the inserted bytes and decodes the same;
/// an incomplete one reads them as image data, and its rows change from the first missing one on.
/// </summary>
internal static class JpegCompleteness
{
    /// <summary>Enough entropy-coded bits (all valid: the all-zero code exists in every Huffman table) to change a few blocks.</summary>
    private const int Padding = 256;

    /// <summary>True when the decoded <paramref name="pixels"/> (RGBA as <paramref name="info"/>) end in rows libjpeg made up.</summary>
    public static unsafe bool EndsEarly(ReadOnlySpan<byte> encoded, SKImageInfo info, ReadOnlySpan<byte> pixels)
    {
        var rowBytes = info.RowBytes;
        if (!IsFiller(pixels.Slice(pixels.Length - rowBytes, rowBytes)) || EndOfImage(encoded) is not (>= 0 and var end))
        {
            return false; // the usual case: one pass over one row
        }

        // Rare (a hostile or broken upload, or a photo that really ends in a mid-grey row): a copy of the upload.
        var padded = new byte[encoded.Length + Padding];
        encoded[..end].CopyTo(padded);
        encoded[end..].CopyTo(padded.AsSpan(end + Padding));
        fixed (byte* p = padded)
        {
            using var data = SKData.Create((IntPtr)p, padded.Length);
            using var codec = SKCodec.Create(data);
            if (codec is null)
            {
                return false;
            }

            return codec.StartScanlineDecode(info) == SKCodecResult.Success
                ? AnyRowDiffers(codec, info, pixels)
                : WholeImageDiffers(codec, info, pixels);
        }
    }

    /// <summary>
    /// The offset of the end-of-image marker, found by walking the segments and each scan's entropy-coded data (where
    /// 0xFF is stuffed as FF 00 and restart markers FF D0–D7 may occur), or -1 when the walk finds none.
    /// </summary>
    public static int EndOfImage(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            return -1;
        }

        var i = 2;
        while (i + 1 < jpeg.Length)
        {
            if (jpeg[i] != 0xFF || jpeg[i + 1] == 0xFF)
            {
                i++; // stray bytes or fill before a marker: libjpeg skips them too
                continue;
            }

            var marker = jpeg[i + 1];
            if (marker == 0xD9)
            {
                return i;
            }

            if (marker is 0x00 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2;
                continue;
            }

            if (i + 3 >= jpeg.Length)
            {
                return -1;
            }

            i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
            if (marker == 0xDA)
            {
                while (i + 1 < jpeg.Length && !(jpeg[i] == 0xFF && jpeg[i + 1] is not (0x00 or 0xFF or (>= 0xD0 and <= 0xD7))))
                {
                    i++;
                }
            }
        }

        return -1;
    }

    private static bool IsFiller(ReadOnlySpan<byte> row)
    {
        for (var i = 0; i < row.Length; i += 4)
        {
            if (row[i] != 128 || row[i + 1] != 128 || row[i + 2] != 128)
            {
                return false;
            }
        }

        return true;
    }

    private static unsafe bool AnyRowDiffers(SKCodec codec, SKImageInfo info, ReadOnlySpan<byte> pixels)
    {
        var rowBytes = info.RowBytes;
        var row = new byte[rowBytes];
        fixed (byte* p = row)
        {
            for (var y = 0; y < info.Height; y++)
            {
                if (codec.GetScanlines((IntPtr)p, 1, rowBytes) != 1 || !row.AsSpan().SequenceEqual(pixels.Slice(y * rowBytes, rowBytes)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static unsafe bool WholeImageDiffers(SKCodec codec, SKImageInfo info, ReadOnlySpan<byte> pixels)
    {
        var again = new byte[pixels.Length];
        fixed (byte* p = again)
        {
            return codec.GetPixels(info, (IntPtr)p) != SKCodecResult.Success || !again.AsSpan().SequenceEqual(pixels);
        }
    }
}
