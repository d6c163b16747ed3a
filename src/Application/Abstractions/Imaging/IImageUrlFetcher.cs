using FapiHub.Domain.Common;

namespace FapiHub.Application.Abstractions.Imaging;

/// <summary>
/// Downloads an image a client names by URL (the remove.bg protocol's <c>image_url</c> and <c>bg_image_url</c>) without
/// letting the URL reach anything but the public internet: only http and https, every address a name resolves to
/// checked and the connection made to exactly those addresses, each redirect checked again, the body bounded in size
/// and time and sniffed. Every refusal and failure is an <see cref="Error"/> value (codes <c>image_url_*</c>, see
/// <c>Errors.ImageUrl</c>), never an exception; only the caller's own cancellation is thrown.
/// </summary>
public interface IImageUrlFetcher
{
    /// <summary>
    /// The image at <paramref name="url"/>. <paramref name="field"/> is the request field that held it (named in every
    /// error message and set as <see cref="Error.Field"/>).
    /// </summary>
    Task<Result<FetchedImage>> FetchAsync(string url, string field, CancellationToken cancellationToken);
}

/// <summary>
/// A downloaded image: <paramref name="Content"/> is exactly the body's bytes (its own array, ready for
/// <see cref="IImageProcessor.Probe"/> and <see cref="IImageProcessor.Decode"/>); <paramref name="ContentType"/> is what
/// its first bytes say (<c>image/jpeg</c>, <c>image/png</c> or <c>image/webp</c>), not what the server declared;
/// <paramref name="Url"/> is where it came from after redirects.
/// </summary>
public sealed record FetchedImage(ReadOnlyMemory<byte> Content, string ContentType, Uri Url);
