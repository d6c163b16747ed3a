using FapiHub.Application.Abstractions.Accounts;

namespace FapiHub.Infrastructure.Accounts;

/// <summary>
/// Token-bucket arithmetic shared by the embedded limiter and mirrored line by line in the Redis Lua script:
/// capacity <c>limit</c>, refilled continuously at <c>limit</c> tokens per window, one token per request.
/// </summary>
internal static class TokenBucket
{
    public static (RateLimitDecision Decision, double Tokens) Take(double? tokens, long lastMs, long nowMs, int limit, double windowMs)
    {
        var rate = limit / windowMs; // tokens per millisecond
        var available = tokens is { } t ? Math.Min(limit, t + (Math.Max(0, nowMs - lastMs) * rate)) : limit;
        var allowed = available >= 1;
        if (allowed)
        {
            available -= 1;
        }

        var retryAfter = allowed ? 0 : Math.Max(1, (int)Math.Ceiling((1 - available) / rate / 1000));
        var reset = (int)Math.Ceiling((limit - available) / rate / 1000);
        return (new RateLimitDecision(allowed, limit, (int)Math.Floor(available), reset, retryAfter), available);
    }
}
