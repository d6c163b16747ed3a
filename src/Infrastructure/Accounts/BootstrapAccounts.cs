using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Domain.Accounts;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Accounts;

/// <summary>
/// The accounts configured under <c>ApiKeys:Bootstrap</c>: what start-up seeds and what a store that lost its data (a
/// Redis restarted empty or flushed) is seeded with again. The entries were checked before the host started
/// (<see cref="ApiKeyOptionsValidator"/>), so here they are only turned into accounts, once.
/// </summary>
internal sealed class BootstrapAccounts(PlanCatalog plans, IOptions<ApiKeyOptions> options)
{
    private readonly Lazy<IReadOnlyList<NewAccount>> _seeds = new(() => [.. options.Value.Bootstrap.Select(entry =>
    {
        var digest = ApiKeys.Digest(entry.Key);
        return new NewAccount(digest, entry.Name ?? ApiKeys.IdFromDigest(digest), plans.Get(entry.Plan).Name, entry.Credits);
    })]);

    public IReadOnlyList<NewAccount> Seeds => _seeds.Value;
}
