using FapiHub.Application.Abstractions.Accounts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FapiHub.Infrastructure.Accounts;

/// <summary>
/// Seeds the bootstrap keys from configuration at start (<see cref="BootstrapAccounts"/>; malformed keys or unknown
/// plans were refused before the host started, by <see cref="ApiKeyOptionsValidator"/>). If the store is unreachable,
/// seeding retries in the background (the API answers 503 meanwhile).
/// </summary>
internal sealed partial class AccountSeeder(
    IAccountStore accounts,
    BootstrapAccounts bootstrap,
    AccountStoreMode mode,
    ILogger<AccountSeeder> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private bool _seeded;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (mode.IsEmbedded)
        {
            LogEmbeddedStore();
        }

        // Seed before the server takes requests, so the configured keys work from the first one; only an unreachable
        // store defers seeding to the background loop. A Redis that later loses them is seeded again by
        // RedisRecoveryService.
        _seeded = await TrySeedAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_seeded && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(RetryDelay, stoppingToken);
            _seeded = await TrySeedAsync(stoppingToken);
        }
    }

    private async Task<bool> TrySeedAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var seed in bootstrap.Seeds)
            {
                await accounts.SeedAsync(seed, cancellationToken);
            }

            LogSeeded(bootstrap.Seeds.Count);
            return true;
        }
        catch (StoreUnavailableException ex)
        {
            LogSeedRetry(ex, RetryDelay.TotalSeconds);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No ConnectionStrings:Redis: using the embedded account store. Usage, balances and limits live in this process only: not shared with other instances, lost on restart.")]
    private partial void LogEmbeddedStore();

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} bootstrap API key(s)")]
    private partial void LogSeeded(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account store unreachable while seeding bootstrap keys; retrying in {Seconds} s")]
    private partial void LogSeedRetry(Exception exception, double seconds);
}

/// <summary>Which account store this process uses.</summary>
internal sealed record AccountStoreMode(bool IsEmbedded)
{
    public static readonly AccountStoreMode InMemory = new(true);
    public static readonly AccountStoreMode Redis = new(false);
}
