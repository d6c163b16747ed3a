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

    /// <summary>
    /// A plan's monthly images used up: 429 on FapiHub's routes (as FapiHub answers), 402 on remove.bg's, whose
    /// clients know an account with nothing left to spend as "insufficient credits".
    /// </summary>
    QuotaExhausted,
}
