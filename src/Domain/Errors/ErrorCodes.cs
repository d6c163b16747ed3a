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
    // remove.bg's own codes, so its clients read them unchanged. The FapiHub routes ask for neither, so they stay out
    // of All, as the URL codes below do.
    public const string RoiExceedsBounds = "roi_exceeds_bounds";
    public const string RoiRegionEmpty = "roi_region_empty";
    public const string UnknownForeground = "unknown_foreground";

    // An image given by URL (the remove.bg protocol's image_url and bg_image_url) that could not be used. Only the
    // remove.bg adapter answers them (in its own envelope); the FapiHub routes take no URL, so they stay out of All,
    // the FapiHub envelope's documented enum.
    public const string ImageUrlRefused = "image_url_refused";
    public const string ImageUrlUnreachable = "image_url_unreachable";
    public const string ImageUrlTimeout = "image_url_timeout";
    public const string ImageUrlTooLarge = "image_url_too_large";
    public const string ImageUrlNotAnImage = "image_url_not_an_image";

    public static readonly IReadOnlyList<string> All =
    [
        InvalidRequest, InvalidImage, ImageTooLarge, InvalidApiKey, InvalidAdminKey, InsufficientCredits, NotFound,
        FileTooLarge, RateLimitExceeded, ServerBusy, Timeout, ServiceUnavailable, InternalError,
    ];

    /// <summary>The codes of a failed image URL fetch (see above: not part of <see cref="All"/>).</summary>
    public static readonly IReadOnlyList<string> ImageUrl =
    [
        ImageUrlRefused, ImageUrlUnreachable, ImageUrlTimeout, ImageUrlTooLarge, ImageUrlNotAnImage,
    ];
}
