namespace FapiHub.Domain.Common;

/// <summary>
/// The family an expected failure belongs to. Each protocol's edge maps each family to its status in one place;
/// nothing below the edge knows about HTTP (the exchange's own refusals are the Api's TransportErrors).
/// </summary>
public enum ErrorType
{
    Validation,
    Unauthorized,
    PaymentRequired,
    RateLimited,
    NotFound,
    PayloadTooLarge,
    Unavailable,
    Unexpected,
}
