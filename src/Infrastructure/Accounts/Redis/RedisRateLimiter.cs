using FapiHub.Application.Abstractions.Accounts;
using StackExchange.Redis;

namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>The token bucket as one atomic script on Redis time, so every instance draws from the same bucket.</summary>
internal sealed class RedisRateLimiter(RedisConnection redis) : IRateLimiter
{
    public ValueTask<RateLimitDecision> AcquireAsync(string accountId, int limit, TimeSpan window, CancellationToken cancellationToken) =>
        new(redis.Run(async db =>
        {
            var result = (RedisValue[])(await db.ScriptEvaluateAsync(
                RedisScripts.TakeToken, [redis.BucketKey(accountId)], [limit, (long)window.TotalMilliseconds]))!;
            return new RateLimitDecision((int)result[0] == 1, limit, (int)result[1], (int)result[3], (int)result[2]);
        }));
}
