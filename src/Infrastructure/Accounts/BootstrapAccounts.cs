using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Domain.Accounts;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Accounts;

/// <summary>
/// The accounts configured under <c>ApiKeys:Bootstrap</c>, checked once: what start-up seeds and what a store that lost
/// its data (a Redis restarted empty or flushed) is seeded with again. Malformed keys or unknown plans throw with the
/// setting named, on first use (the seeder's start).
/// </summary>
internal sealed class BootstrapAccounts(PlanCatalog plans, IOptions<ApiKeyOptions> options)
{
    private readonly Lazy<IReadOnlyList<NewAccount>> _seeds = new(() => Read(plans, options.Value));

    public IReadOnlyList<NewAccount> Seeds => _seeds.Value;

    private static List<NewAccount> Read(PlanCatalog plans, ApiKeyOptions options)
    {
        var seeds = new List<NewAccount>(options.Bootstrap.Count);
        for (var i = 0; i < options.Bootstrap.Count; i++)
        {
            var entry = options.Bootstrap[i];
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
            seeds.Add(new NewAccount(digest, entry.Name ?? ApiKeys.IdFromDigest(digest), plan.Name, Math.Max(0, entry.Credits)));
        }

        return seeds;
    }
}
