using System.Buffers.Binary;
using System.Globalization;
using FapiHub.Domain.Imaging;
using SkiaSharp;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>Why an upload is not a decodable image, in the client's terms: every <c>invalid_image</c> carries one.</summary>
internal static class UndecodableReasons
{
    /// <summary>libpng's default limit on either side (PNG_USER_WIDTH_MAX / PNG_USER_HEIGHT_MAX); Skia keeps it.</summary>
    private const int PngMaxSide = 1_000_000;

    public const string Empty = "the file is empty";

    public const string NoPixels = "the header declares an image with no pixels";

    /// <summary>
    /// No codec could be opened: say what the bytes look like and, for a PNG, whether a side is over libpng's limit;
    /// and which kind of failure that is (a format not taken, no known format, or a damaged one).
    /// </summary>
    public static (string Reason, DecodeFailure Failure) Unreadable(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            // Signature (8), IHDR length and type (8), then width and height.
            if (data.Length >= 24 && data[12..16].SequenceEqual("IHDR"u8))
            {
                var width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
                var height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
                if (width > PngMaxSide || height > PngMaxSide)
                {
                    return (string.Create(CultureInfo.InvariantCulture,
                        $"the PNG is {width}x{height} pixels, and the PNG decoder reads at most {PngMaxSide} pixels per side"), DecodeFailure.Damaged);
                }
            }

            return ("the PNG header is damaged or incomplete", DecodeFailure.Damaged);
        }

        if (Foreign(data) is { } foreign)
        {
            return (NotAccepted(foreign), DecodeFailure.UnsupportedFormat);
        }

        return Sniff(data) is { } format
            ? ($"the {format} header is damaged or incomplete", DecodeFailure.Damaged)
            : ("the data is not a JPEG, PNG, WebP, BMP or GIF file (its first bytes match none of them)", DecodeFailure.Unrecognised);
    }

    /// <summary>A format the decoder reads but the API does not take: always <see cref="DecodeFailure.UnsupportedFormat"/>.</summary>
    public static string Refused(SKEncodedImageFormat format) => NotAccepted(format.ToString().ToUpperInvariant());

    private static string NotAccepted(string format) => $"{format} files are not accepted";

    /// <summary>The decoder opened the file but could not produce every row.</summary>
    public static string Failed(SKEncodedImageFormat format, SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => EndsEarly(format),
        SKCodecResult.ErrorInInput => $"the {Name(format)} data is damaged (the decoder found invalid data)",
        _ => $"the {Name(format)} decoder failed ({result})",
    };

    public static string EndsEarly(SKEncodedImageFormat format) =>
        $"the {Name(format)} data ends before the last row (truncated or damaged)";

    public const string JpegEndsEarly =
        "the JPEG data ends before the last row (truncated or damaged, or its header claims more rows than the data holds)";

    private static string Name(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Webp => "WebP",
        _ => format.ToString().ToUpperInvariant(),
    };

    /// <summary>Common image formats the API does not take, named so the client knows what to convert.</summary>
    private static string? Foreign(ReadOnlySpan<byte> data) =>
        data.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0]) ? "ICO"
        : data.StartsWith((ReadOnlySpan<byte>)[0, 0, 2, 0]) ? "CUR"
        : data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8) ? "TIFF"
        : data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8) && (data[8..12].SequenceEqual("avif"u8) || data[8..11].SequenceEqual("hei"u8) || data[8..12].SequenceEqual("mif1"u8)) ? "HEIF/AVIF"
        : null;

    private static string? Sniff(ReadOnlySpan<byte> data) =>
        data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "JPEG"
        : data.StartsWith("GIF8"u8) ? "GIF"
        : data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8) ? "WebP"
        : data.StartsWith("BM"u8) ? "BMP"
        : null;
}
