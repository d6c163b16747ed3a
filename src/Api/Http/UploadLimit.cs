using FapiHub.Api.Protocols.RemoveBg;
using FapiHub.Application.Common;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Http;

/// <summary>
/// The one place that recognises an over-size body and names the error for it. The overrun surfaces in several guises
/// (a declared Content-Length, Kestrel's or <see cref="LimitedRequestBody"/>'s 413 exception, or only the mark
/// <see cref="UploadLimitFeature"/> keeps when MVC's binder swallowed that exception), and every one must answer the
/// same 413, so the middleware, the model-state factory, the exception handler and the status mapping all ask here.
/// </summary>
internal static class UploadLimit
{
    /// <summary>
    /// The largest body the request may send: FapiHub's multipart upload (<see cref="LimitsOptions.MaxRequestBodyBytes"/>),
    /// or on remove.bg's routes one that carries the same image in base64 (<see cref="RemoveBgProtocol.MaxBodyBytes"/>).
    /// </summary>
    public static long MaxBodyBytes(HttpContext context, LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(limits);
        return RemoveBgProtocol.Speaks(context) ? RemoveBgProtocol.MaxBodyBytes(limits) : limits.MaxRequestBodyBytes;
    }

    /// <summary>Whether a body that declares its length is refused before a byte of it is read.</summary>
    public static bool IsExceeded(long? contentLength, long maxBodyBytes) => contentLength > maxBodyBytes;

    /// <summary>Whether <paramref name="exception"/> is the server's (or our stream's) failure to read past the limit.</summary>
    public static bool IsExceeded(Exception? exception) =>
        exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };

    /// <summary>
    /// Whether the request's body went past the limit: <paramref name="exception"/> says so, or the body's stream
    /// recorded it (the binder may have wrapped or dropped the exception on the way).
    /// </summary>
    public static bool IsExceeded(HttpContext context, Exception? exception = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsExceeded(exception) || context.Features.Get<UploadLimitFeature>()?.Exceeded == true;
    }

    /// <summary>Whether a bare status code is the server's over-size refusal.</summary>
    public static bool IsExceeded(int statusCode) => statusCode == StatusCodes.Status413PayloadTooLarge;

    /// <summary>The exception a read past the limit fails with: the same one Kestrel throws, so callers see one kind.</summary>
    public static BadHttpRequestException Overrun() => new("Request body too large.", StatusCodes.Status413PayloadTooLarge);

    /// <summary>The answer to an over-size body; it quotes the upload limit clients configure against, not the multipart allowance.</summary>
    public static Error Error(LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return DomainErrors.Request.FileTooLarge(limits.MaxUploadBytes);
    }

    /// <summary>The answer to an over-size body of this request: on remove.bg's routes it also quotes the body limit, which base64 raises.</summary>
    public static Error Error(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        return RemoveBgProtocol.Speaks(context) ? RemoveBgErrors.BodyTooLarge(limits) : Error(limits);
    }
}
