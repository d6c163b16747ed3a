using FapiHub.Application.Abstractions.Accounts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>
/// Readiness: Redis answers a PING and still has the configured keys (a Redis restarted empty or flushed answers, but
/// every call with those keys would be a 401 until <see cref="RedisRecoveryService"/> seeds them again). While the
/// circuit is open the answer is "unhealthy" at once, without a round trip, so a load balancer's probe never waits for
/// a timeout.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis, RedisAccountStore store, BootstrapAccounts bootstrap) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.Run(db => db.PingAsync());
            var missing = await store.MissingAsync(bootstrap.Seeds, guarded: true);
            return missing.Count == 0
                ? HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:F1} ms.")
                : HealthCheckResult.Unhealthy($"Redis answers but has lost {missing.Count} of the configured API keys (restarted empty or flushed); they are being seeded again.");
        }
        catch (StoreUnavailableException)
        {
            return HealthCheckResult.Unhealthy("Redis is unreachable.");
        }
    }
}
