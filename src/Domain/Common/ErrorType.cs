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
}
