using System.Globalization;
using System.Net;
using System.Text.Json;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Accounts;
using FapiHub.FunctionalTests.Reliability;
using FapiHub.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SkiaSharp;

namespace FapiHub.FunctionalTests.Accounts;

/// <summary>
/// Issue 25, item 4: a Redis that comes back empty (restarted without its data, or flushed). The configured keys are
/// seeded again without restarting the API, never resetting the accounts that are still there; readiness says so
/// meanwhile; and a commit whose hold vanished with the data is still charged, once, counted in /metrics. Each test
/// has its own redis-server, because each one empties it.
/// </summary>
[Trait("Category", "External")] // Starts a redis-server per test: outside the fast loop.
public sealed class RedisEmptiedStoreTests : IDisposable
{
    private const long ConfiguredCredits = 10;
    private const string Reseeded = "seeded them again";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly byte[] Png = TestImages.Encode(8, 8, (_, _) => SKColors.Olive);

    private readonly string _key = ApiKeys.Generate();
    private readonly string _otherKey = ApiKeys.Generate();
    private readonly string _prefix = "emptied-" + Guid.NewGuid().ToString("N")[..8];
    private readonly LogSignals _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task Reseed_WhenRedisIsFlushed_ShouldSeedTheConfiguredKeyAgainWithoutARestart()
    {
        await using var redis = await RedisServer.StartPrivateAsync();
        await using var host = Host(redis);
        using var client = host.Client(_key);
        Assert.Equal(HttpStatusCode.OK, await Post(client));

        var reseeds = _logs.Times(Reseeded);
        await redis.ExecuteAsync("FLUSHALL");
        await _logs.WhenLogged(Reseeded, reseeds + 1).WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.OK, await Post(client));
        Assert.Equal((ConfiguredCredits - 1, 1L), await Balance(client)); // a new store: the configured balance, one image
    }

    [Fact]
    public async Task Reseed_WhenRedisIsKilledAndRestartedEmptyWithACommitQueued_ShouldSeedAgainAndStillChargeTheImage()
    {
        await using var redis = await RedisServer.StartPrivateAsync();
        var gates = new PipelineGates { HoldAt = PipelineGates.Model };
        await using var host = Host(redis, services: gates.Install);
        using var client = host.Client(_key);

        var inFlight = client.PostAsync("/v2/rembg/", Http.Form(Png));
        await gates.Entered.WaitAsync(Patience);
        await redis.KillAsync();
        gates.Release(); // the commit meets the outage and is queued
        using (var served = await inFlight.WaitAsync(Patience))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("1", served.Headers.GetValues("X-Credits-Charged").Single());
        }

        await redis.StartEmptyAsync();
        await _logs.WhenLogged("Applied 1 settlements").WaitAsync(Patience);

        // Seeded again first (so the queued commit finds its account), then charged although its hold was lost.
        Assert.Equal((ConfiguredCredits - 1, 1L), await Balance(client));
        Assert.Equal(1, await OrphanedMetric(host));
    }

    [Fact]
    public async Task Commit_WhenTheStoreLostTheHold_ShouldChargeOnceHoweverOftenItIsReplayedAndCountIt()
    {
        await using var redis = await RedisServer.StartPrivateAsync();
        await using var host = Host(redis);
        using var client = host.Client(_key);
        Assert.Equal(HttpStatusCode.OK, await Post(client)); // started, seeded, one image charged
        var ledger = host.Services.GetRequiredService<IUsageLedger>();
        var accountId = ApiKeys.IdFromDigest(ApiKeys.Digest(_key));
        var reserved = await ledger.ReserveAsync(accountId, BillingPeriod.Key(DateTimeOffset.UtcNow), null, default);

        var reseeds = _logs.Times(Reseeded);
        await redis.ExecuteAsync("FLUSHALL");
        await _logs.WhenLogged(Reseeded, reseeds + 1).WaitAsync(Patience);
        var first = await ledger.CommitAsync(reserved.Reservation!, default);
        var replayed = await ledger.CommitAsync(reserved.Reservation!, default);

        Assert.Equal(SettlementStatus.Charged, first.Status);
        Assert.Equal(SettlementStatus.NotCharged, replayed.Status);
        Assert.Equal((ConfiguredCredits - 1, 1L), await Balance(client));
        Assert.Equal(1, await OrphanedMetric(host));
    }

    [Fact]
    public async Task Commit_WhenItsHoldIsStillThere_ShouldNotCountAsOrphaned()
    {
        await using var redis = await RedisServer.StartPrivateAsync();
        await using var host = Host(redis);
        using var client = host.Client(_key);
        var ledger = host.Services.GetRequiredService<IUsageLedger>();
        Assert.Equal(HttpStatusCode.OK, await Post(client));
        var reserved = await ledger.ReserveAsync(ApiKeys.IdFromDigest(ApiKeys.Digest(_key)), BillingPeriod.Key(DateTimeOffset.UtcNow), null, default);

        var first = await ledger.CommitAsync(reserved.Reservation!, default);
        var replayed = await ledger.CommitAsync(reserved.Reservation!, default); // a replay after a lost reply

        Assert.Equal((SettlementStatus.Charged, SettlementStatus.NotCharged), (first.Status, replayed.Status));
        Assert.Equal((ConfiguredCredits - 2, 2L), await Balance(client));
        Assert.Equal(0, await OrphanedMetric(host));
    }

    [Fact]
    public async Task Reseed_WhenOnlySomeConfiguredKeysAreMissing_ShouldRestoreThemAndLeaveTheOthersUsageAndCreditsAlone()
    {
        await using var redis = await RedisServer.StartPrivateAsync();
        await using var host = Host(redis);
        using var client = host.Client(_key);
        using var other = host.Client(_otherKey);
        Assert.Equal(HttpStatusCode.OK, await Post(client));
        Assert.Equal(HttpStatusCode.OK, await Post(client));
        Assert.Equal(HttpStatusCode.OK, await Post(other));

        var otherDigest = ApiKeys.Digest(_otherKey);
        var reseeds = _logs.Times(Reseeded);
        await redis.ExecuteAsync("DEL", $"{_prefix}:digest:{otherDigest}", $"{_prefix}:{{{ApiKeys.IdFromDigest(otherDigest)}}}:account");
        await _logs.WhenLogged(Reseeded, reseeds + 1).WaitAsync(Patience);

        Assert.Equal((ConfiguredCredits - 2, 2L), await Balance(client)); // still there: not touched
        Assert.Equal(HttpStatusCode.OK, await Post(other));
        Assert.Equal((ConfiguredCredits - 1, 2L), await Balance(other)); // its hash was gone: seeded anew; its usage counter was not
    }

    [Fact]
    public async Task Readiness_WhenRedisLostTheConfiguredKeys_ShouldBe503UntilTheyAreSeededAgain()
    {
        await using var redis = await RedisServer.StartPrivateAsync();

        // No probe tick within the test (60 s, the longest interval allowed): the first host does not seed by itself, so what readiness says is observed.
        await using var host = Host(redis, ("Accounts:RedisProbeIntervalMilliseconds", "60000"));
        using var client = host.Client(_key);
        Assert.Equal(HealthStatus.Healthy, await RedisReadiness(host));

        await redis.ExecuteAsync("FLUSHALL");
        var lost = await RedisReadiness(host);
        var refused = await Post(client);
        await using var second = Host(redis); // another instance starting seeds the shared store
        using (second.CreateClient())
        {
        }

        Assert.Equal((HealthStatus.Unhealthy, HttpStatusCode.Unauthorized), (lost, refused));
        Assert.Equal(HealthStatus.Healthy, await RedisReadiness(host));
        Assert.Equal(HttpStatusCode.OK, await Post(client));
    }

    private AccountsHost Host(RedisServer redis, params (string Key, string Value)[] settings) => Host(redis, null, settings);

    private AccountsHost Host(RedisServer redis, Action<IServiceCollection>? services, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ApiKeys:Bootstrap:0:Key"] = _key,
            ["ApiKeys:Bootstrap:0:Plan"] = "payg",
            ["ApiKeys:Bootstrap:0:Credits"] = ConfiguredCredits.ToString(CultureInfo.InvariantCulture),
            ["ApiKeys:Bootstrap:1:Key"] = _otherKey,
            ["ApiKeys:Bootstrap:1:Plan"] = "payg",
            ["ApiKeys:Bootstrap:1:Credits"] = ConfiguredCredits.ToString(CultureInfo.InvariantCulture),
            ["Plans:payg:PerMinute"] = "100000",
            ["Accounts:RedisProbeIntervalMilliseconds"] = "100",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new AccountsHost(redis.ConnectionString, _prefix, all, _logs.Install, services);
    }

    private static async Task<HttpStatusCode> Post(HttpClient client)
    {
        using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png));
        return response.StatusCode;
    }

    /// <summary>Credits available and images charged this month.</summary>
    private static async Task<(long Credits, long Used)> Balance(HttpClient client)
    {
        using var response = await client.GetAsync("/v2/usage");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("credits").GetInt64(), json.RootElement.GetProperty("used").GetInt64());
    }

    /// <summary>The Redis entry of /health/ready (the test hosts load no model, so the endpoint as a whole is never ready).</summary>
    private static async Task<HealthStatus> RedisReadiness(AccountsHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == "redis");
        return report.Entries["redis"].Status;
    }

    private static async Task<double> OrphanedMetric(AccountsHost host)
    {
        const string Name = "fapihub_settlements_orphaned_total";
        using var client = host.CreateClient();
        var scrape = await client.GetStringAsync("/metrics");
        return scrape.Split('\n')
            .Where(line => line.StartsWith(Name, StringComparison.Ordinal))
            .Select(line => line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[Name.Length..])
            .Sum(value => double.Parse(value.Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }
}
