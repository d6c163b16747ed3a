using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Domain.Accounts;
using FapiHub.Infrastructure.Accounts;
using FapiHub.Infrastructure.Accounts.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FapiHub.UnitTests.Infrastructure.Accounts;

/// <summary>Issue 25, case 5: keys stored on a plan that configuration no longer defines stop start-up, plan and count named.</summary>
public sealed class OrphanedPlansCheckTests
{
    private static readonly string BootstrapKey = "fh_live_" + new string('b', 32);

    private readonly InMemoryAccountStore _store = new(TimeProvider.System, Options.Create(new AccountStoreOptions()));

    [Fact]
    public async Task FailuresAsync_WhenActiveKeysAreOnAPlanMissingFromConfiguration_ShouldNameEachPlanAndItsKeyCount()
    {
        await Create("gold");
        await Create("gold");
        await _store.RevokeAsync((await Create("gold")).Id, default); // revoked keys are never served: not counted
        await Create("silver");
        await Create("basic");

        var failures = await Check().FailuresAsync(default);

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("Plans:gold is not configured, but 2 active key(s) are on plan 'gold'", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("Plans:silver is not configured, but 1 active key(s) are on plan 'silver'", failures[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailuresAsync_WhenTheOnlyOrphanIsABootstrapKeyAboutToBeReseeded_ShouldFindNothing()
    {
        await _store.SeedAsync(new NewAccount(ApiKeys.Digest(BootstrapKey), "seeded", "gold", 0), default);
        await Create("pro");

        Assert.Empty(await Check(new BootstrapApiKey { Key = BootstrapKey, Plan = "basic" }).FailuresAsync(default));
    }

    private async Task<Account> Create(string plan) =>
        await _store.CreateAsync(new NewAccount(ApiKeys.Digest(ApiKeys.Generate()), "test", plan, 0), default);

    private OrphanedPlansCheck Check(params BootstrapApiKey[] bootstrap)
    {
        var services = new ServiceCollection()
            .AddSingleton<IAccountStore>(_store)
            .AddSingleton(new PlanCatalog(Options.Create(new PlansOptions())))
            .AddSingleton(Options.Create(new ApiKeyOptions { Bootstrap = [.. bootstrap] }))
            .BuildServiceProvider();
        return new OrphanedPlansCheck(services, NullLogger<OrphanedPlansCheck>.Instance);
    }
}
