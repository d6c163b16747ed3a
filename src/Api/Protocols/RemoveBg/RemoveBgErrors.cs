using System.Globalization;
using FapiHub.Api.Errors;
using FapiHub.Application.Common;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Domain.Imaging;

namespace FapiHub.Api.Protocols.RemoveBg;

/// <summary>
/// remove.bg's error codes that FapiHub's own catalogue has no word for: the request vocabulary of
/// <c>POST /v1.0/removebg</c>. Created here, at the edge that speaks the protocol, as <see cref="Error"/> values like
/// any other, so the one writer (<see cref="RemoveBgErrorResponses"/>) answers them.
/// </summary>
internal static class RemoveBgErrors
{
    public const string AuthFailed = "auth_failed";
    public const string MissingSource = "missing_source";
    public const string MultipleSources = "multiple_sources";
    public const string MultipleBgSources = "multiple_bg_sources";
    public const string FailedToReadImage = "failed_to_read_image";
    public const string InvalidFileType = "invalid_file_type";
    public const string ResolutionTooHigh = "resolution_too_high";
    public const string FileTooLarge = "file_too_large";
    public const string FailedImageDownload = "failed_image_download";
    public const string FailedBgDownload = "failed_bg_download";
    public const string InsufficientCredits = "insufficient_credits";
    public const string RateLimitExceeded = "rate_limit_exceeded";

    /// <summary><c>invalid_&lt;field&gt;</c>, remove.bg's code for a parameter it cannot read (<c>invalid_size</c>, <c>invalid_roi</c>…).</summary>
    public static Error Invalid(string field, string detail) =>
        new("invalid_" + field, detail, ErrorType.Validation) { Field = field };

    public static readonly Error NoSource = new(
        MissingSource,
        "No image given: send it in exactly one of image_file (an upload), image_file_b64 (base64) or image_url.",
        ErrorType.Validation);

    public static Error ManySources(IEnumerable<string> given) =>
        new(
            MultipleSources,
            $"Multiple image sources given ({string.Join(", ", given)}): send exactly one of image_file, image_file_b64 or image_url.",
            ErrorType.Validation);

    public static Error ManyBgSources(IEnumerable<string> given) =>
        new(
            MultipleBgSources,
            $"Multiple background sources given ({string.Join(", ", given)}): send at most one of bg_color, bg_image_url or bg_image_file.",
            ErrorType.Validation);

    public static readonly Error BadBase64 = new(
        FailedToReadImage,
        "Field 'image_file_b64' is not valid base64 (with or without a 'data:image/...;base64,' prefix).",
        ErrorType.Validation)
    { Field = "image_file_b64" };

    /// <summary>A body over the remove.bg routes' limit, which leaves room for the image in base64.</summary>
    public static Error BodyTooLarge(LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new(
            ErrorCodes.FileTooLarge,
            string.Create(
                CultureInfo.InvariantCulture,
                $"The request body is larger than the limit of {RemoveBgProtocol.MaxBodyBytes(limits)} bytes: room for an image of up to {limits.MaxUploadBytes} bytes, as a file or in base64, and the other parameters."),
            ErrorType.PayloadTooLarge);
    }

    /// <summary>An image (a file or decoded base64) over the upload limit, however small the body that carried it.</summary>
    public static Error ImageTooLarge(string field, long bytes, long limit) =>
        new(
            ErrorCodes.FileTooLarge,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Parameter '{field}' holds an image of {bytes} bytes; the limit is {limit} bytes, whether the image is sent as a file, in base64 or by URL."),
            ErrorType.PayloadTooLarge)
        { Field = field };

    /// <summary>A body the endpoint cannot read as any of its three encodings.</summary>
    public static Error UnreadableBody(string? contentType) =>
        new(
            MissingSource,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Content-Type '{contentType ?? "(none)"}' is not supported: send multipart/form-data, application/x-www-form-urlencoded or application/json, with the image in image_file, image_file_b64 or image_url."),
            ErrorType.Validation);

    public static Error MalformedJson(string detail) =>
        new(MissingSource, "The body is not a JSON object of parameters: " + detail, ErrorType.Validation);

    /// <summary>FapiHub's code for a failure, as remove.bg's clients know it.</summary>
    public static string CodeOf(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            ErrorCodes.InvalidApiKey => AuthFailed,
            ErrorCodes.InvalidImage when error.DecodeFailure == DecodeFailure.UnsupportedFormat => InvalidFileType,
            ErrorCodes.InvalidImage => FailedToReadImage,
            ErrorCodes.ImageTooLarge => ResolutionTooHigh,
            ErrorCodes.FileTooLarge => FileTooLarge,
            ErrorCodes.InsufficientCredits => InsufficientCredits,
            ErrorCodes.RateLimitExceeded when error.Type == ErrorType.QuotaExhausted => InsufficientCredits,
            ErrorCodes.RateLimitExceeded => RateLimitExceeded,
            ErrorCodes.InvalidRequest when error.Field == "image" => FailedToReadImage,

            // The fetcher's codes, in remove.bg's words: a URL it will not fetch is an invalid one; one that gave no
            // image is a failed download; one too large is a file too large.
            ErrorCodes.ImageUrlRefused => error.Field == "bg_image_url" ? "invalid_bg_image_url" : "invalid_image_url",
            ErrorCodes.ImageUrlTooLarge => FileTooLarge,
            ErrorCodes.ImageUrlUnreachable or ErrorCodes.ImageUrlTimeout or ErrorCodes.ImageUrlNotAnImage =>
                error.Field == "bg_image_url" ? FailedBgDownload : FailedImageDownload,
            ErrorCodes.InvalidRequest when error.Field is { Length: > 0 } field => "invalid_" + field,
            TransportErrors.UnsupportedMediaTypeCode => MissingSource,
            _ => error.Code,
        };
    }

    /// <summary>A short title for the code (remove.bg's <c>title</c>); the message is the <c>detail</c>.</summary>
    public static string TitleOf(string code) => code switch
    {
        AuthFailed => "Authentication failed",
        MissingSource => "No image given",
        MultipleSources => "Multiple image sources given",
        MultipleBgSources => "Multiple background sources given",
        FailedToReadImage => "Failed to read image",
        InvalidFileType => "Invalid file type",
        ResolutionTooHigh => "Image resolution too high",
        FileTooLarge => "File too large",
        FailedImageDownload => "Failed to download image",
        FailedBgDownload => "Failed to download background image",
        InsufficientCredits => "Insufficient credits",
        RateLimitExceeded => "Rate limit exceeded",
        ErrorCodes.RoiExceedsBounds => "ROI exceeds image bounds",
        ErrorCodes.RoiRegionEmpty => "ROI region is empty",
        ErrorCodes.UnknownForeground => "Could not identify foreground in image",
        ErrorCodes.ServerBusy => "Server busy",
        ErrorCodes.Timeout => "Processing timed out",
        ErrorCodes.ServiceUnavailable => "Service unavailable",
        ErrorCodes.NotFound => "Not found",
        TransportErrors.MethodNotAllowedCode => "Method not allowed",
        TransportErrors.RequestTimeoutCode => "Request timeout",
        TransportErrors.UriTooLongCode => "URI too long",
        TransportErrors.RequestHeaderFieldsTooLargeCode => "Request headers too large",
        ErrorCodes.InvalidRequest => "Invalid request",
        ErrorCodes.InternalError => "Internal error",
        _ when code.StartsWith("invalid_", StringComparison.Ordinal) => string.Create(CultureInfo.InvariantCulture, $"Invalid {code["invalid_".Length..]} parameter given"),
        _ => "Request failed",
    };
}
