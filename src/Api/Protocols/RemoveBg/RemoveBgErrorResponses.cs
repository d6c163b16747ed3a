using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FapiHub.Api.Errors;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Common;
using Microsoft.AspNetCore.Mvc;

namespace FapiHub.Api.Protocols.RemoveBg;

/// <summary>remove.bg's error body: <c>{"errors":[{"title","code","detail"}]}</c>.</summary>
public sealed record RemoveBgErrorBody(IReadOnlyList<RemoveBgErrorItem> Errors);

/// <summary>One error of <see cref="RemoveBgErrorBody"/>.</summary>
/// <param name="Title">Short, stable description of the code.</param>
/// <param name="Code">remove.bg's machine-readable code, e.g. <c>invalid_size</c>, <c>auth_failed</c>.</param>
/// <param name="Detail">What exactly was wrong and how to fix it.</param>
public sealed record RemoveBgErrorItem(string Title, string Code, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail);

/// <summary>
/// The one place where an <see cref="Error"/> becomes an answer in remove.bg's protocol: its status (remove.bg's,
/// which differ from FapiHub's: 403 for a bad key, 402 for nothing left to spend, 400 for an over-size file), its body
/// and <c>Retry-After</c>. <see cref="Errors.ErrorResponses.WriteAsync"/> hands every error of a remove.bg request here,
/// so the authentication challenge, the rate limit, the admission gate, the upload limit, the exception handler and the
/// status-code pages all answer remove.bg's clients in their own shape.
/// </summary>
internal static class RemoveBgErrorResponses
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The status of <paramref name="error"/>; <paramref name="framework"/> is the one the server or framework refused
    /// the exchange with (408 for a body that trickles, 505, …), which a request it could not read keeps, as on
    /// FapiHub's routes, while the failures remove.bg answers in its own way (an over-size body: 400) keep remove.bg's.
    /// </summary>
    public static int StatusCodeOf(Error error, int? framework = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (framework is { } status && error.Type == ErrorType.Validation && TransportErrors.StatusCodeOf(error) is null)
        {
            return status;
        }

        // The exchange's own refusals keep their HTTP statuses, but a media type remove.bg cannot read is bad input.
        if (error.Code != TransportErrors.UnsupportedMediaTypeCode && TransportErrors.StatusCodeOf(error) is { } transport)
        {
            return transport;
        }

        return error.Type switch
        {
            ErrorType.Validation or ErrorType.PayloadTooLarge => StatusCodes.Status400BadRequest,
            ErrorType.Unauthorized => StatusCodes.Status403Forbidden,
            ErrorType.PaymentRequired or ErrorType.QuotaExhausted => StatusCodes.Status402PaymentRequired,
            ErrorType.RateLimited => StatusCodes.Status429TooManyRequests,
            ErrorType.NotFound => StatusCodes.Status404NotFound,
            ErrorType.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };
    }

    public static RemoveBgErrorItem ItemOf(Error error)
    {
        var code = RemoveBgErrors.CodeOf(error);
        return new RemoveBgErrorItem(RemoveBgErrors.TitleOf(code), code, error.Message);
    }

    /// <summary>
    /// One error, or each of the field errors it gathers (the pipeline's validation reports every bad field at once);
    /// <paramref name="statusCode"/> as in <see cref="StatusCodeOf"/>.
    /// </summary>
    public static Task WriteAsync(HttpContext context, Error error, int? statusCode = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        return WriteAsync(context, Items(error), statusCode);
    }

    /// <summary>The body's bytes, for writers that have no <see cref="HttpContext"/> (Kestrel's own rejections).</summary>
    internal static byte[] BodyBytes(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return JsonSerializer.SerializeToUtf8Bytes(new RemoveBgErrorBody([.. Items(error).Select(ItemOf)]), JsonOptions);
    }

    /// <summary>Every error at once (a request with three bad parameters hears of all three); the first sets the status.</summary>
    public static Task WriteAsync(HttpContext context, IReadOnlyList<Error> errors, int? statusCode = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(errors);
        var metrics = context.RequestServices.GetService<FapiHubMetrics>();
        foreach (var error in errors)
        {
            metrics?.Error(error.Code);
        }

        var response = context.Response;
        response.StatusCode = StatusCodeOf(errors[0], statusCode);
        if (errors[0].RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        var body = new RemoveBgErrorBody([.. errors.Select(ItemOf)]);
        return response.WriteAsJsonAsync(body, JsonOptions, "application/json; charset=utf-8", context.RequestAborted);
    }

    public static IActionResult ToActionResult(IReadOnlyList<Error> errors) => new ErrorsResult(errors);

    private static IReadOnlyList<Error> Items(Error error) => error.FieldErrors.Count > 0 ? error.FieldErrors : [error];

    private sealed class ErrorsResult(IReadOnlyList<Error> errors) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => WriteAsync(context.HttpContext, errors);
    }
}
