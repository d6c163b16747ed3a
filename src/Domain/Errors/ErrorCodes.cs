namespace FapiHub.Domain.Errors;

/// <summary>
/// Every <c>error.code</c> of the Domain's catalogue: part of the public contract (the OpenAPI document lists them,
/// with the Api's transport codes, as an enum), so a code is added here, never invented at a call site.
/// </summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidImage = "invalid_image";
    public const string ImageTooLarge = "image_too_large";
    public const string InvalidApiKey = "invalid_api_key";
    public const string InvalidAdminKey = "invalid_admin_key";
    public const string InsufficientCredits = "insufficient_credits";
    public const string NotFound = "not_found";
    public const string FileTooLarge = "file_too_large";
    public const string RateLimitExceeded = "rate_limit_exceeded";
    public const string ServerBusy = "server_busy";
    public const string Timeout = "timeout";
    public const string ServiceUnavailable = "service_unavailable";
    public const string InternalError = "internal_error";

    // Answered only where a request asks for what they check (remove.bg's roi, and its refusal of an empty result):
    // remove.bg's own codes, so its clients read them unchanged.
    public const string RoiExceedsBounds = "roi_exceeds_bounds";
    public const string RoiRegionEmpty = "roi_region_empty";
    public const string UnknownForeground = "unknown_foreground";

    public static readonly IReadOnlyList<string> All =
    [
        InvalidRequest, InvalidImage, ImageTooLarge, InvalidApiKey, InvalidAdminKey, InsufficientCredits, NotFound,
        FileTooLarge, RateLimitExceeded, ServerBusy, Timeout, ServiceUnavailable, InternalError, RoiExceedsBounds, RoiRegionEmpty, UnknownForeground,
    ];
}
