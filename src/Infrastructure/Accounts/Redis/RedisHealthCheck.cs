using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>Readiness: Redis answers a PING. While it does not, chargeable calls answer 503 anyway.</summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.Run(db => db.PingAsync());
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:F1} ms.");
        }
        catch (FapiHub.Application.Abstractions.Accounts.StoreUnavailableException)
        {
            return HealthCheckResult.Unhealthy("Redis is unreachable.");
        }
    }
}
