namespace FapiHub.Application.Abstractions.Accounts;

/// <summary>The outcome of taking one token from an account's bucket; every field feeds the X-RateLimit-* headers.</summary>
/// <param name="Remaining">Whole tokens left after this request.</param>
/// <param name="ResetSeconds">Seconds until the bucket is full again.</param>
/// <param name="RetryAfterSeconds">When refused: seconds until one token is back (≥ 1); 0 when allowed.</param>
public sealed record RateLimitDecision(bool Allowed, int Limit, int Remaining, int ResetSeconds, int RetryAfterSeconds);

/// <summary>Per-account token bucket: <c>limit</c> tokens, refilled continuously at <c>limit</c> per window.</summary>
public interface IRateLimiter
{
    ValueTask<RateLimitDecision> AcquireAsync(string accountId, int limit, TimeSpan window, CancellationToken cancellationToken);
}
