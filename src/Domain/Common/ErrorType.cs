namespace FapiHub.Domain.Common;

/// <summary>
/// The family an expected failure belongs to. The HTTP edge maps each family to a status code in one place;
/// nothing below the edge knows about HTTP.
/// </summary>
public enum ErrorType
{
    Validation,
    Unauthorized,
    PaymentRequired,
    RateLimited,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unavailable,
    Unexpected,

    // Rejections of the HTTP exchange itself (Kestrel's 408, 414, 431), appended so the values above keep their numbers.
    RequestTimeout,
    UriTooLong,
    RequestHeadersTooLarge,
}
