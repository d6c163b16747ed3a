using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Application.Common;
using FapiHub.Domain.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ImageUrlErrors = FapiHub.Domain.Errors.DomainErrors.ImageUrl;

namespace FapiHub.Infrastructure.Imaging.UrlFetching;

/// <summary>
/// Fetches an image URL safely (ADR 18). Per hop: the URL's shape (<see cref="UrlRules"/>), the allow-list, one name
/// lookup, every address it returns judged (<see cref="AddressClassifier"/>: one internal answer refuses the host, so a
/// name cannot smuggle 127.0.0.1 in beside a public address), then a GET whose connection goes only to those addresses
/// (<see cref="PinnedConnection"/>). Redirects are followed here, each target checked the same way, up to
/// <c>ImageUrl:MaxRedirects</c>. The body is refused from its Content-Length or cut off as it streams past
/// <c>Limits:MaxUploadBytes</c>, and must start like a JPEG, PNG or WebP file. One deadline,
/// <c>ImageUrl:TimeoutSeconds</c>, covers all of it.
/// </summary>
internal sealed partial class ImageUrlFetcher(
    IHttpClientFactory clients,
    IHostResolver resolver,
    IOptions<ImageUrlOptions> options,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    ILogger<ImageUrlFetcher> logger) : IImageUrlFetcher
{
    public const string ClientName = "FapiHub.ImageUrl";

    private const int FirstChunkBytes = 64 * 1024;

    private readonly HostAllowList _allowList = new(options.Value.AllowedHosts);

    public async Task<Result<FetchedImage>> FetchAsync(string url, string field, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return ImageUrlErrors.Disabled(field);
        }

        if (!TryParseAbsolute(url, out var uri))
        {
            LogRefused(logger, "(unparsable)", "not an absolute URL");
            return ImageUrlErrors.Refused(field, "it is not an absolute http or https URL");
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(settings.TimeoutSeconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await FetchFromAsync(uri, field, settings, linked.Token);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && ex is OperationCanceledException or HttpRequestException or IOException)
        {
            LogTimedOut(logger, uri.IdnHost, settings.TimeoutSeconds);
            return ImageUrlErrors.Timeout(field, settings.TimeoutSeconds);
        }
    }

    private async Task<Result<FetchedImage>> FetchFromAsync(Uri first, string field, ImageUrlOptions settings, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        var current = first;
        for (var redirects = 0; ; redirects++)
        {
            var addresses = await CheckAsync(current, field, redirected: redirects > 0, cancellationToken);
            if (!addresses.IsSuccess)
            {
                return addresses.Error!;
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Options.Set(PinnedConnection.AddressesKey, new PinnedAddresses(current.IdnHost, addresses.Value));
            request.Headers.Accept.ParseAdd("image/png, image/jpeg, image/webp, image/*;q=0.8, */*;q=0.1");
            request.Headers.UserAgent.ParseAdd("FapiHub-ImageUrlFetcher/1.0");

            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                return Unreachable(field, current, ConnectionFailure(ex, current));
            }

            using (response)
            {
                if (IsRedirect(response.StatusCode))
                {
                    if (redirects == settings.MaxRedirects)
                    {
                        return Unreachable(field, current, string.Create(CultureInfo.InvariantCulture, $"it redirects more than {settings.MaxRedirects} times"));
                    }

                    if (response.Headers.Location is not { } location)
                    {
                        return Unreachable(field, current, $"{Authority(current)} answered {(int)response.StatusCode} without a usable Location");
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    return Unreachable(field, current, $"{Authority(current)} answered {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd());
                }

                return await ReadImageAsync(response.Content, current, field, redirects, cancellationToken);
            }
        }
    }

    /// <summary>The addresses <paramref name="uri"/> may be fetched from, or why it may not.</summary>
    private async Task<Result<IReadOnlyList<IPAddress>>> CheckAsync(Uri uri, string field, bool redirected, CancellationToken cancellationToken)
    {
        if (UrlRules.Problem(uri) is { } problem)
        {
            return Refused(field, uri, redirected, problem);
        }

        var host = HostAllowList.HostKey(uri);
        var listed = _allowList.Contains(uri);
        if (options.Value.RestrictToAllowedHosts && !listed)
        {
            return Refused(field, uri, redirected, $"the host '{host}' is not on this server's list of allowed hosts");
        }

        var literal = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6;
        IPAddress[] addresses;
        if (literal)
        {
            addresses = [IPAddress.Parse(host)];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(uri.IdnHost, cancellationToken).WaitAsync(cancellationToken);
            }
            catch (SocketException ex)
            {
                LogUnresolved(logger, host, ex.SocketErrorCode);
                return ImageUrlErrors.Unreachable(field, $"{Via(uri, redirected)}the host '{host}' could not be resolved");
            }

            if (addresses.Length == 0)
            {
                return ImageUrlErrors.Unreachable(field, $"{Via(uri, redirected)}the host '{host}' has no address");
            }
        }

        foreach (var address in addresses)
        {
            var verdict = AddressClassifier.Classify(address);
            if (verdict.Kind == AddressKind.Public || (verdict.Kind == AddressKind.Internal && listed))
            {
                continue;
            }

            LogAddressRefused(logger, host, address, verdict.Range, listed);
            var why = literal
                ? $"{address} is {verdict.Range}{(listed ? ", which is never fetched" : "")}"
                : $"the host '{host}' resolves to an address this server does not fetch from (private, loopback, link-local, cloud metadata or otherwise reserved)";
            return ImageUrlErrors.Refused(field, Via(uri, redirected) + why);
        }

        return Result<IReadOnlyList<IPAddress>>.Success([.. addresses.Distinct()]);
    }

    private async Task<Result<FetchedImage>> ReadImageAsync(HttpContent content, Uri url, string field, int redirects, CancellationToken cancellationToken)
    {
        var limit = limits.Value.MaxUploadBytes;
        var declared = content.Headers.ContentLength;
        if (declared > limit)
        {
            LogTooLarge(logger, url.IdnHost, declared.Value, limit);
            return ImageUrlErrors.TooLarge(field, limit);
        }

        byte[]? body;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            body = declared is { } length ? await ReadExactlyAsync(stream, length, cancellationToken) : await ReadAtMostAsync(stream, limit, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return Unreachable(field, url, $"the body from {Authority(url)} broke off ({ex.Message})");
        }

        if (body is null)
        {
            LogTooLarge(logger, url.IdnHost, -1, limit);
            return ImageUrlErrors.TooLarge(field, limit);
        }

        if (ImageSniffer.ContentTypeOf(body) is not { } type)
        {
            var declaredType = content.Headers.ContentType?.MediaType ?? "none";
            var detail = body.Length == 0
                ? "the body is empty"
                : string.Create(CultureInfo.InvariantCulture, $"{body.Length} bytes that start like no image format; declared Content-Type '{declaredType}'");
            LogNotAnImage(logger, url.IdnHost, body.Length, declaredType);
            return ImageUrlErrors.NotAnImage(field, detail);
        }

        LogFetched(logger, url.IdnHost, body.Length, type, redirects);
        return new FetchedImage(body, type, url);
    }

    /// <summary>
    /// An absolute URL that names its scheme: on Unix <see cref="Uri"/> also reads <c>/cat.png</c> as
    /// <c>file:///cat.png</c>, which a client meant as no URL at all.
    /// </summary>
    private static bool TryParseAbsolute(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri)
    {
        uri = null;
        var trimmed = text?.Trim() ?? "";
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && Uri.CheckSchemeName(trimmed[..colon]) && Uri.TryCreate(trimmed, UriKind.Absolute, out uri);
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, long length, CancellationToken cancellationToken)
    {
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return body;
    }

    /// <summary>The whole stream, or <c>null</c> as soon as it passes <paramref name="limit"/> bytes (the rest is never read).</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(limit + 1, FirstChunkBytes)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(limit + 1, buffer.Length * 2L));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                return buffer.AsSpan(0, total).ToArray();
            }

            total += read;
            if (total > limit)
            {
                return null;
            }
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string ConnectionFailure(HttpRequestException ex, Uri url) => ex.HttpRequestError switch
    {
        HttpRequestError.SecureConnectionError => $"the TLS handshake with {Authority(url)} failed (its certificate is not valid for the name, or it does not speak TLS)",
        HttpRequestError.ConnectionError => $"no connection could be made to {Authority(url)}",
        HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse => $"{Authority(url)} did not answer with valid HTTP",
        _ => $"the request to {Authority(url)} failed ({ex.HttpRequestError})",
    };

    private static string Authority(Uri url) => url.GetLeftPart(UriPartial.Authority);

    private static string Via(Uri url, bool redirected) => redirected ? $"it redirects to {Authority(url)}, and " : "";

    private Error Refused(string field, Uri url, bool redirected, string reason)
    {
        LogRefused(logger, url.IdnHost, reason);
        return ImageUrlErrors.Refused(field, Via(url, redirected) + reason);
    }

    private Error Unreachable(string field, Uri url, string reason)
    {
        LogUnreachable(logger, url.IdnHost, reason);
        return ImageUrlErrors.Unreachable(field, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Image URL refused (host {Host}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string host, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Image URL refused: host {Host} leads to {Address}, {Range} (allow-listed: {Listed})")]
    private static partial void LogAddressRefused(ILogger logger, string host, IPAddress address, string range, bool listed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image URL host {Host} could not be resolved ({Error})")]
    private static partial void LogUnresolved(ILogger logger, string host, SocketError error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image URL from host {Host} not fetched: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string host, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image URL from host {Host} timed out after {Seconds} s")]
    private static partial void LogTimedOut(ILogger logger, string host, int seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image URL from host {Host} over the limit of {Limit} bytes (declared length {Declared}, -1: none)")]
    private static partial void LogTooLarge(ILogger logger, string host, long declared, long limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image URL from host {Host} is not an image: {Bytes} bytes, declared Content-Type {ContentType}")]
    private static partial void LogNotAnImage(ILogger logger, string host, int bytes, string contentType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Image URL fetched from host {Host}: {Bytes} bytes of {ContentType} after {Redirects} redirect(s)")]
    private static partial void LogFetched(ILogger logger, string host, int bytes, string contentType, int redirects);
}
