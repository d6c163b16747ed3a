using FapiHub.Domain.Common;

namespace FapiHub.Api.Protocols.RemoveBg;

/// <summary>
/// Fetches the picture behind <c>image_url</c> / <c>bg_image_url</c>. The edge only asks; how a URL is fetched safely
/// (which addresses, sizes and times are allowed) is the fetcher's business, never this protocol's.
/// </summary>
public interface IRemoteImages
{
    /// <summary>The bytes, or why they could not be had (the message says so in the client's terms).</summary>
    Task<Result<ReadOnlyMemory<byte>>> FetchAsync(Uri url, CancellationToken cancellationToken);
}

/// <summary>A server without a URL fetcher: every URL is refused, before any connection is made.</summary>
internal sealed class NoRemoteImages : IRemoteImages
{
    public Task<Result<ReadOnlyMemory<byte>>> FetchAsync(Uri url, CancellationToken cancellationToken) =>
        Task.FromResult(Result<ReadOnlyMemory<byte>>.Failure(new Error(
            RemoveBgErrors.FailedImageDownload,
            "this server does not fetch images from URLs; upload the file (image_file) or send it as base64 (image_file_b64).",
            ErrorType.Validation)));
}
