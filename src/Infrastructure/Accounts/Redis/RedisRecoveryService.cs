using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>
/// Brings the Redis store back after an outage: while the circuit is open (or settlements are queued) it probes Redis
/// every <see cref="AccountStoreOptions.RedisProbeIntervalMilliseconds"/>; once Redis serves scripts it applies the
/// queued commits and releases, and only then closes the circuit, so this instance takes no new reservation before the
/// holds it owes are settled. On shutdown it makes one last attempt and logs what it could not settle.
/// </summary>
internal sealed partial class RedisRecoveryService(
    RedisConnection redis,
    RedisAccountStore store,
    SettlementOutbox outbox,
    IOptions<AccountStoreOptions> options,
    ILogger<RedisRecoveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(10, options.Value.RedisProbeIntervalMilliseconds)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TryRecoverAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync makes the last attempt.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!outbox.IsEmpty)
        {
            await TryRecoverAsync();
        }

        if (!outbox.IsEmpty)
        {
            LogUnsettledAtShutdown(outbox.Count);
        }
    }

    private async Task TryRecoverAsync()
    {
        if (redis.IsAvailable && outbox.IsEmpty)
        {
            return;
        }

        if (!await redis.ProbeAsync())
        {
            return;
        }

        var applied = await store.ApplyQueuedSettlementsAsync();
        if (outbox.IsEmpty)
        {
            if (applied > 0)
            {
                LogReplayed(applied);
            }

            redis.Close();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} settlements queued while Redis was unreachable")]
    private partial void LogReplayed(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping with {Count} settlements Redis never received; their holds lapse and those images go uncharged")]
    private partial void LogUnsettledAtShutdown(int count);
}
