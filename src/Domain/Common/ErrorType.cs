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

    /// <summary>
    /// A plan's monthly images used up: 429 on FapiHub's routes (as FapiHub answers), 402 on remove.bg's, whose
    /// clients know an account with nothing left to spend as "insufficient credits".
    /// </summary>
    QuotaExhausted,
}
