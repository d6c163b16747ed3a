using FapiHub.Tests.Shared;

namespace FapiHub.FunctionalTests.Accounts;

/// <summary>
/// The accounts contract, unchanged, on a real 3-primary + 3-replica Redis Cluster named by all six endpoints: every
/// script touches one hash slot, the digest index and the account list are single keys on their own slots.
/// </summary>
[Trait("Category", "External")] // Starts six redis-server processes and redis-cli.
[Collection(RedisClusterGroup.Name)]
public sealed class RedisClusterAccountTests(RedisClusterFixture cluster) : AccountBehaviourTests
{
    protected override string? Redis => cluster.Cluster.ConnectionString;

    /// <summary>Redis refills its buckets by its own <c>TIME</c>: the wait is real (see <see cref="RedisStoreAccountTests"/>).</summary>
    private protected override async Task LetTimePass(ManualClock clock, TimeSpan span)
    {
        await Task.Delay(span);
        clock.Advance(span);
    }
}
