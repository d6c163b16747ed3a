using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Domain.Accounts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Accounts;

/// <summary>
/// Seeds the bootstrap keys from configuration at start. Malformed keys or unknown plans stop start-up with the
/// setting named. If the store is unreachable, seeding retries in the background (the API answers 503 meanwhile).
/// </summary>
internal sealed partial class AccountSeeder(
    IAccountStore accounts,
    PlanCatalog plans,
    IOptions<ApiKeyOptions> options,
    AccountStoreMode mode,
    ILogger<AccountSeeder> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private readonly List<NewAccount> _seeds = [];

    private bool _seeded;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (mode.IsEmbedded)
        {
            LogEmbeddedStore();
        }

        var bootstrap = options.Value.Bootstrap;
        for (var i = 0; i < bootstrap.Count; i++)
        {
            var entry = bootstrap[i];
            if (!ApiKeys.IsWellFormed(entry.Key))
            {
                throw new InvalidOperationException(
                    $"ApiKeys:Bootstrap:{i}:Key is not a valid key: it must be '{ApiKeys.Prefix}' followed by at least {ApiKeys.MinimumRandomLength} letters or digits.");
            }

            if (!plans.TryGet(entry.Plan, out var plan))
            {
                throw new InvalidOperationException(
                    $"ApiKeys:Bootstrap:{i}:Plan '{entry.Plan}' is not a plan; configured plans: {string.Join(", ", plans.Names)}.");
            }

            var digest = ApiKeys.Digest(entry.Key);
            _seeds.Add(new NewAccount(digest, entry.Name ?? ApiKeys.IdFromDigest(digest), plan.Name, Math.Max(0, entry.Credits)));
        }

        // Seed before the server takes requests, so the configured keys work from the first one; only an unreachable
        // store defers seeding to the background loop.
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
            foreach (var seed in _seeds)
            {
                await accounts.SeedAsync(seed, cancellationToken);
            }

            LogSeeded(_seeds.Count);
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
