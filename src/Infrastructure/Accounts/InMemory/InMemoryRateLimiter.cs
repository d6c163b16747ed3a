using System.Collections.Concurrent;
using FapiHub.Application.Abstractions.Accounts;

namespace FapiHub.Infrastructure.Accounts.InMemory;

/// <summary>The embedded token bucket: same arithmetic as the Redis script (<see cref="TokenBucket"/>), one lock per account.</summary>
internal sealed class InMemoryRateLimiter(TimeProvider clock) : IRateLimiter
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public ValueTask<RateLimitDecision> AcquireAsync(string accountId, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var bucket = _buckets.GetOrAdd(accountId, static _ => new Bucket());
        lock (bucket)
        {
            var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var (decision, tokens) = TokenBucket.Take(bucket.Tokens, bucket.LastMs, nowMs, limit, window.TotalMilliseconds);
            bucket.Tokens = tokens;
            bucket.LastMs = nowMs;
            return ValueTask.FromResult(decision);
        }
    }

    private sealed class Bucket
    {
        /// <summary>Tokens after the last request; null until the first, when the bucket starts full.</summary>
        public double? Tokens { get; set; }

        public long LastMs { get; set; }
    }
}
