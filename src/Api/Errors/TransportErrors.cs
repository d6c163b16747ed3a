using System.Globalization;
using FapiHub.Domain.Common;

namespace FapiHub.Api.Errors;

/// <summary>
/// Refusals of the HTTP exchange itself (a method, media type, URL or header block the server does not take, headers
/// too slow): they exist only at this edge, so their codes and statuses live here rather than in the Domain's
/// catalogue, and <see cref="ErrorResponses"/> maps them by code. Each is the client's doing, hence
/// <see cref="ErrorType.Validation"/> for anything that only looks at the family.
/// </summary>
public static class TransportErrors
{
    public const string MethodNotAllowedCode = "method_not_allowed";
    public const string UnsupportedMediaTypeCode = "unsupported_media_type";
    public const string RequestTimeoutCode = "request_timeout";
    public const string UriTooLongCode = "uri_too_long";
    public const string RequestHeaderFieldsTooLargeCode = "request_header_fields_too_large";

    private static readonly Dictionary<string, int> Statuses = new(StringComparer.Ordinal)
    {
        [MethodNotAllowedCode] = StatusCodes.Status405MethodNotAllowed,
        [UnsupportedMediaTypeCode] = StatusCodes.Status415UnsupportedMediaType,
        [RequestTimeoutCode] = StatusCodes.Status408RequestTimeout,
        [UriTooLongCode] = StatusCodes.Status414UriTooLong,
        [RequestHeaderFieldsTooLargeCode] = StatusCodes.Status431RequestHeaderFieldsTooLarge,
    };

    /// <summary>Every code this catalogue answers, for the OpenAPI enum beside the Domain's.</summary>
    public static IReadOnlyList<string> Codes { get; } =
        [MethodNotAllowedCode, UnsupportedMediaTypeCode, RequestTimeoutCode, UriTooLongCode, RequestHeaderFieldsTooLargeCode];

    public static readonly Error UriTooLong = new(
        UriTooLongCode,
        "The request line (method, path and query) is longer than the server accepts; send a shorter URL.",
        ErrorType.Validation);

    public static readonly Error HeadersTooLarge = new(
        RequestHeaderFieldsTooLargeCode,
        "The request headers are larger (or more numerous) than the server accepts; send fewer or smaller headers.",
        ErrorType.Validation);

    public static Error MethodNotAllowed(string method, string path) =>
        new(MethodNotAllowedCode, $"Method {method} is not allowed on '{path}'.", ErrorType.Validation);

    public static Error UnsupportedMediaType(string? contentType) =>
        new(
            UnsupportedMediaTypeCode,
            $"Content-Type '{contentType ?? "(none)"}' is not supported; send multipart/form-data with the image in the field 'image'.",
            ErrorType.Validation);

    /// <summary>A body the admin API cannot take: it reads JSON only.</summary>
    public static Error JsonRequired(string? contentType) =>
        new(
            UnsupportedMediaTypeCode,
            $"Content-Type '{contentType ?? "(none)"}' is not supported; the admin API takes application/json.",
            ErrorType.Validation);

    /// <summary>The request line and headers did not arrive within the server's header timeout.</summary>
    public static Error RequestTimeout(int seconds) =>
        new(
            RequestTimeoutCode,
            string.Create(CultureInfo.InvariantCulture, $"The request headers did not arrive within {seconds} s; the connection is closed."),
            ErrorType.Validation);

    /// <summary>The status of a transport error, or <c>null</c> for an error of the Domain's catalogue.</summary>
    internal static int? StatusCodeOf(Error error) =>
        Statuses.TryGetValue(error.Code, out var status) ? status : null;
}
