using FapiHub.Application.Abstractions.Accounts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>
/// Readiness: Redis answers a PING. While the circuit is open the answer is "unhealthy" at once, without a round trip,
/// so a load balancer's probe never waits for a timeout.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.Run(db => db.PingAsync());
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:F1} ms.");
        }
        catch (StoreUnavailableException)
        {
            return HealthCheckResult.Unhealthy("Redis is unreachable.");
        }
    }
}
