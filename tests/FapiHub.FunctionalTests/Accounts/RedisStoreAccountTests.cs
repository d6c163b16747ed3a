using System.Net;

namespace FapiHub.FunctionalTests.Accounts;

/// <summary>One redis-server for a test class (REDIS_URL's, or a private process).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.SharedOrStartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// The contract on Redis, plus what only a shared store can show: several instances enforcing one limit and one
/// balance, surviving a Redis outage, and seeding that never resets a balance.
/// </summary>
public sealed class RedisStoreAccountTests(RedisFixture redis) : AccountBehaviourTests, IClassFixture<RedisFixture>
{
    protected override string? Redis => redis.Server.ConnectionString;

    [Fact]
    public async Task TwoInstances_WhenSharingRedis_ShouldEnforceOneRateLimitAndOneBalance()
    {
        var settings = new[] { ("Plans:tiny:MonthlyQuota", "1000"), ("Plans:tiny:PerMinute", "4") };
        var first = Host(settings);
        var second = Host(settings);
        var (_, limited) = await first.CreateKeyAsync("tiny");
        var (_, paying) = await second.CreateKeyAsync("payg", credits: 3);

        var limitedStatuses = new List<HttpStatusCode>();
        foreach (var host in new[] { first, second, first, second, first })
        {
            using var client = host.Client(limited);
            using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png));
            limitedStatuses.Add(response.StatusCode);
        }

        var payingStatuses = new List<HttpStatusCode>();
        foreach (var host in new[] { first, second, first, second })
        {
            using var client = host.Client(paying);
            using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png));
            payingStatuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], limitedStatuses);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.PaymentRequired], payingStatuses);
    }

    [Fact]
    public async Task Seeding_WhenAnotherInstanceStartsWithTheSameBootstrapKey_ShouldNotResetTheBalance()
    {
        var key = FapiHub.Domain.Accounts.ApiKeys.Generate();
        var bootstrap = new[] { ("ApiKeys:Bootstrap:0:Key", key), ("ApiKeys:Bootstrap:0:Plan", "payg"), ("ApiKeys:Bootstrap:0:Credits", "3") };
        using (var client = Host(bootstrap).Client(key))
        using (var spent = await client.PostAsync("/v2/rembg/", Http.Form(Png)))
        {
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        }

        using var restarted = Host(bootstrap).Client(key);
        var usage = await Usage(restarted);

        Assert.Equal(2, usage.GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task Outage_WhenRedisStopsAndReturns_ShouldAnswer503ChargeNothingAndRecoverWithoutRestart()
    {
        await using var own = await RedisServer.StartPrivateAsync();
        await using var host = new AccountsHost(own.ConnectionString, KeyPrefix, new Dictionary<string, string>());
        var (_, key) = await host.CreateKeyAsync("payg", credits: 5);
        using var client = host.Client(key);
        using (var before = await client.PostAsync("/v2/rembg/", Http.Form(Png)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await own.StopAsync();
        using (var during = await client.PostAsync("/v2/rembg/", Http.Form(Png)))
        using (var usageDuring = await client.GetAsync("/v2/usage"))
        {
            await Http.AssertEnvelope(during, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            Assert.True(during.Headers.RetryAfter is not null, "503 without Retry-After");
            await Http.AssertEnvelope(usageDuring, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        }

        using (var ready = await host.CreateClient().GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await own.StartAsync();
        HttpStatusCode status = default;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            using var after = await client.PostAsync("/v2/rembg/", Http.Form(Png));
            status = after.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, status);
        var usage = await Usage(client);
        Assert.Equal((3L, 2L), (usage.GetProperty("credits").GetInt64(), usage.GetProperty("used").GetInt64()));
    }
}
