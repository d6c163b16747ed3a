using FapiHub.Application.Abstractions.Accounts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>
/// Brings the Redis store back after an outage: while the circuit is open (or settlements are queued) it probes Redis
/// every <see cref="AccountStoreOptions.RedisProbeIntervalMilliseconds"/>; once Redis serves scripts it seeds the
/// configured keys again if Redis lost them, applies the queued commits and releases, and only then closes the
/// circuit, so this instance takes no new reservation before the holds it owes are settled. While Redis is up it checks
/// at the same pace that the configured keys are still there (a Redis restarted empty between two calls, or flushed,
/// never opens the circuit) and seeds them again if not. On shutdown it makes one last attempt and logs what it could
/// not settle.
/// </summary>
internal sealed partial class RedisRecoveryService(
    RedisConnection redis,
    RedisAccountStore store,
    SettlementOutbox outbox,
    BootstrapAccounts bootstrap,
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
            // Through the circuit: a Redis found gone here opens it, and the next tick recovers.
            await ReseedAsync(guarded: true);
            return;
        }

        if (!await redis.ProbeAsync())
        {
            return;
        }

        // The keys first: the queued commits then find their accounts, and no request meets a store without them once
        // the circuit closes.
        if (!await ReseedAsync(guarded: false))
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

    /// <summary>
    /// Seeds the configured keys Redis no longer has. Idempotent and never a reset: only missing accounts are written,
    /// so usage, balances, plans and revocations of the others are left alone. False when Redis could not be asked.
    /// </summary>
    private async Task<bool> ReseedAsync(bool guarded)
    {
        try
        {
            var missing = await store.MissingAsync(bootstrap.Seeds, guarded);
            if (missing.Count > 0)
            {
                await store.SeedUnguardedAsync(missing);
                LogReseeded(missing.Count, bootstrap.Seeds.Count);
            }

            return true;
        }
        catch (StoreUnavailableException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis had lost {Missing} of the {Total} configured API key(s) (restarted empty, flushed or replaced); seeded them again")]
    private partial void LogReseeded(int missing, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} settlements queued while Redis was unreachable")]
    private partial void LogReplayed(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping with {Count} settlements Redis never received; their holds lapse and those images go uncharged")]
    private partial void LogUnsettledAtShutdown(int count);
}
