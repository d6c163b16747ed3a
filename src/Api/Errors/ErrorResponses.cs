using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FapiHub.Api.Controllers;
using FapiHub.Api.Http;
using FapiHub.Api.Protocols.RemoveBg;
using FapiHub.Application.Common;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Errors;

/// <summary>
/// The one place where an <see cref="Error"/> becomes HTTP: its status code, the envelope body and the
/// <c>Retry-After</c> header. Controllers, the authentication challenge, the exception handler and the status-code
/// pages all write errors through here, so every non-200 answer looks the same.
/// </summary>
public static class ErrorResponses
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,

        // Messages quote field names ('image'); the default encoder would send them as \u0027. The body is
        // application/json, never embedded in HTML, so the relaxed encoder is safe here.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int StatusCodeOf(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return TransportErrors.StatusCodeOf(error) ?? error.Type switch
        {
            ErrorType.Validation => StatusCodes.Status400BadRequest,
            ErrorType.Unauthorized => StatusCodes.Status401Unauthorized,
            ErrorType.PaymentRequired => StatusCodes.Status402PaymentRequired,
            ErrorType.NotFound => StatusCodes.Status404NotFound,
            ErrorType.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
            ErrorType.RateLimited or ErrorType.QuotaExhausted => StatusCodes.Status429TooManyRequests,
            ErrorType.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };
    }

    /// <summary>
    /// The error for a bare status code some framework component set without a body (no route: 404, wrong
    /// method: 405, wrong content type: 415, …).
    /// </summary>
    public static Error ForStatusCode(HttpContext context, int statusCode)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value ?? "/";
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        return statusCode switch
        {
            StatusCodes.Status401Unauthorized => DomainErrors.Auth.InvalidApiKey,
            StatusCodes.Status404NotFound => DomainErrors.General.NotFound(path),
            StatusCodes.Status405MethodNotAllowed => TransportErrors.MethodNotAllowed(context.Request.Method, path),
            StatusCodes.Status415UnsupportedMediaType when TakesJson(context) => TransportErrors.JsonRequired(context.Request.ContentType),
            StatusCodes.Status415UnsupportedMediaType => TransportErrors.UnsupportedMediaType(context.Request.ContentType),
            >= 500 => DomainErrors.General.Internal,
            _ => ForRejection(statusCode, string.Create(CultureInfo.InvariantCulture, $"it was rejected with status {statusCode}."), limits),
        };
    }

    /// <summary>
    /// The error for a status the server itself rejected the exchange with (Kestrel's 400, 408, 413, 414, 431, …),
    /// where there may be no request to speak of; <paramref name="detail"/> says what was wrong for a plain 400.
    /// </summary>
    internal static Error ForRejection(int statusCode, string detail, LimitsOptions limits) => statusCode switch
    {
        StatusCodes.Status408RequestTimeout => TransportErrors.RequestTimeout(limits.RequestHeadersTimeoutSeconds),
        _ when UploadLimit.IsExceeded(statusCode) => UploadLimit.Error(limits),
        StatusCodes.Status414UriTooLong => TransportErrors.UriTooLong,
        StatusCodes.Status431RequestHeaderFieldsTooLarge => TransportErrors.HeadersTooLarge,

        // Everything else the server refuses is the client's doing, 505 (an HTTP version it does not speak) included.
        _ => DomainErrors.Request.Malformed(detail),
    };

    /// <summary>The envelope's bytes, for writers that have no <see cref="HttpContext"/> (Kestrel's own rejections).</summary>
    internal static byte[] EnvelopeBytes(Error error, string requestId) =>
        JsonSerializer.SerializeToUtf8Bytes(Envelope(error, requestId), JsonOptions);

    /// <summary>The envelope of <paramref name="error"/>: every answer's body, whoever writes it.</summary>
    private static ErrorEnvelope Envelope(Error error, string requestId) =>
        new(new ErrorBody(
            error.Code,
            error.Message,
            requestId,
            error.RetryAfterSeconds,
            error.FieldErrors.Count == 0 ? null : [.. error.FieldErrors.Select(e => new FieldErrorBody(e.Field ?? string.Empty, e.Message))]));

    /// <summary>
    /// Whether the request is for the admin API, which reads JSON rather than the image form: its 415 says so. By
    /// path, because a content type no action accepts leaves routing with no endpoint (and so no metadata) to ask.
    /// </summary>
    private static bool TakesJson(HttpContext context) =>
        context.Request.Path.StartsWithSegments(AdminKeysController.BasePath, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Writes <paramref name="error"/> as the envelope, with its headers and its status code, or
    /// <paramref name="statusCode"/> (for framework statuses the catalogue maps coarsely).
    /// </summary>
    public static Task WriteAsync(HttpContext context, Error error, int? statusCode = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);

        // A remove.bg client hears every error in its own protocol's shape and statuses.
        if (RemoveBgProtocol.Speaks(context))
        {
            return RemoveBgErrorResponses.WriteAsync(context, error, statusCode);
        }

        context.RequestServices.GetService<FapiHubMetrics>()?.Error(error.Code);
        var response = context.Response;
        response.StatusCode = statusCode ?? StatusCodeOf(error);
        if (error.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        return response.WriteAsJsonAsync(Envelope(error, context.TraceIdentifier), JsonOptions, "application/json; charset=utf-8", context.RequestAborted);
    }

    /// <summary>An MVC result that writes through <see cref="WriteAsync"/>.</summary>
    public static IActionResult ToActionResult(Error error, int? statusCode = null) => new ErrorResult(error, statusCode);

    private sealed class ErrorResult(Error error, int? statusCode) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => WriteAsync(context.HttpContext, error, statusCode);
    }
}
