using System.IO.Compression;
using FapiHub.Domain.Imaging;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>
/// remove.bg's <c>format=zip</c>: <c>color.jpg</c> (the result's colour, alpha dropped) then <c>alpha.png</c> (its
/// alpha as an 8-bit grey matte), stored uncompressed (both are compressed already). The pair holds a full-colour
/// cut-out in far fewer bytes than an RGBA PNG; a client recomposes it by taking the colour and the matte as alpha.
/// </summary>
internal static class ColorAndAlpha
{
    public const string ColorEntry = "color.jpg";
    public const string AlphaEntry = "alpha.png";

    public static EncodedImage Pack(SkiaImageProcessor codec, RgbaImage image, OutputOptions output)
    {
        using var color = codec.Encode(image, output with { Format = OutputFormat.Jpeg });
        using var matte = image.ExtractAlpha();
        using var alpha = codec.Encode(matte, output with { Format = OutputFormat.Png });
        using var zip = new MemoryStream(color.Length + alpha.Length + 512);
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(archive, ColorEntry, color);
            Add(archive, AlphaEntry, alpha);
        }

        return EncodedImage.Copy(zip.GetBuffer().AsSpan(0, (int)zip.Length));
    }

    private static void Add(ZipArchive archive, string name, EncodedImage content)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.NoCompression);
        using var stream = entry.Open();
        stream.Write(content.Memory.Span);
    }
}
