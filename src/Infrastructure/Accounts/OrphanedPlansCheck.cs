using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Application.Common.Startup;
using FapiHub.Domain.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Accounts;

/// <summary>
/// Refuses to start when the store holds keys on a plan that configuration no longer defines (a plan removed from
/// <c>Plans</c>), naming each plan and how many keys are on it: serving them would have no limits to apply. Revoked
/// keys do not count, nor keys the bootstrap section is about to seed onto a configured plan. A store that cannot
/// answer now is not a reason to stay down (the API answers 503 until it is back); such keys are then refused per
/// request instead (<see cref="PlanCatalog.ForKey"/>).
/// </summary>
internal sealed partial class OrphanedPlansCheck(IServiceProvider services, ILogger<OrphanedPlansCheck> logger) : IStartupCheck
{
    public int Stage => 1;

    public async ValueTask<IReadOnlyList<string>> FailuresAsync(CancellationToken cancellationToken)
    {
        // Resolved here, not injected: the store needs valid settings, which the earlier stage has checked by now.
        var accounts = services.GetRequiredService<IAccountStore>();
        var plans = services.GetRequiredService<PlanCatalog>();
        var bootstrap = services.GetRequiredService<IOptions<ApiKeyOptions>>();
        IReadOnlyList<Account> stored;
        try
        {
            stored = await accounts.ListAsync(cancellationToken);
        }
        catch (StoreUnavailableException ex)
        {
            LogStoreUnavailable(ex);
            return [];
        }

        var seeded = bootstrap.Value.Bootstrap
            .Where(entry => ApiKeys.IsWellFormed(entry.Key))
            .Select(entry => ApiKeys.IdFromDigest(ApiKeys.Digest(entry.Key)))
            .ToHashSet(StringComparer.Ordinal);
        return
        [
            .. stored
                .Where(account => !account.Revoked && !seeded.Contains(account.Id) && !plans.TryGet(account.Plan, out _))
                .GroupBy(account => account.Plan, StringComparer.Ordinal)
                .OrderBy(group => group.Key, StringComparer.Ordinal)
                .Select(group =>
                    $"Plans:{group.Key} is not configured, but {group.Count()} active key(s) are on plan '{group.Key}' " +
                    $"(configured plans: {string.Join(", ", plans.Names)}). Configure the plan again, or move the keys " +
                    $"to another plan (admin API: PATCH /v2/admin/keys/{{id}}) before removing it."),
        ];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account store unreachable at start-up: keys on plans missing from configuration cannot be listed now; such keys are refused per request")]
    private partial void LogStoreUnavailable(Exception exception);
}

/// <summary>Refuses a <c>ConnectionStrings:Redis</c> the client cannot parse, naming the key (it would fail on the first request).</summary>
internal sealed class RedisConnectionStringCheck(string connectionString) : IStartupCheck
{
    public ValueTask<IReadOnlyList<string>> FailuresAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = StackExchange.Redis.ConfigurationOptions.Parse(connectionString);
            return ValueTask.FromResult<IReadOnlyList<string>>([]);
        }
        catch (ArgumentException ex)
        {
            return ValueTask.FromResult<IReadOnlyList<string>>([$"ConnectionStrings:Redis must be a StackExchange.Redis connection string such as 'localhost:6379': {ex.Message}"]);
        }
    }
}
