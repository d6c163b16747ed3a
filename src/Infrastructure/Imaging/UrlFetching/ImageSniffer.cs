namespace FapiHub.Infrastructure.Imaging.UrlFetching;

/// <summary>
/// The media type a body's first bytes show: JPEG, PNG or WebP, the formats remove.bg takes by URL. A server's
/// Content-Type is only advisory (many send <c>application/octet-stream</c> or <c>binary/octet-stream</c> for images,
/// and an HTML error page can come with <c>image/png</c>); the decoder checks the rest.
/// </summary>
internal static class ImageSniffer
{
    public static string? ContentTypeOf(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        return bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8) ? "image/webp" : null;
    }
}
