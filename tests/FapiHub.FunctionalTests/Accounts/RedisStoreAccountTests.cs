using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Accounts;
using FapiHub.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using Xunit.Abstractions;

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
[Trait("Category", "External")] // Starts redis-server (or uses REDIS_URL's): outside the fast loop.
public sealed class RedisStoreAccountTests(RedisFixture redis, ITestOutputHelper output) : AccountBehaviourTests, IClassFixture<RedisFixture>
{
    private static readonly byte[] Slow = TestImages.Encode(AccountsHost.SlowWidth, 8, (_, _) => SKColors.Plum); // 1.5 s in the fake model

    protected override string? Redis => redis.Server.ConnectionString;

    /// <summary>
    /// Redis refills its buckets by its own <c>TIME</c>, which no test can move, so this store really waits (the tests
    /// keep that wait short with a small <c>RateLimiting:WindowSeconds</c>). The host's clock is moved too, for what reads it.
    /// </summary>
    private protected override async Task LetTimePass(ManualClock clock, TimeSpan span)
    {
        await Task.Delay(span);
        clock.Advance(span);
    }

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

    [Fact]
    public async Task Lookup_WhenRedisWasReconnectedMomentsAgo_ShouldAnswer503ForAKeyItDoesNotFindNot401()
    {
        await using var own = await RedisServer.StartPrivateAsync();
        using var settlingLogs = new LogSignals();
        using var trustingLogs = new LogSignals();
        await using var settling = new AccountsHost(own.ConnectionString, KeyPrefix, new Dictionary<string, string>
        {
            ["Accounts:RedisProbeIntervalMilliseconds"] = "100",
            ["Accounts:RedisSettleSeconds"] = "300", // longer than the test: what is observed is the window, not its end
        }, settlingLogs.Install);
        await using var trusting = new AccountsHost(own.ConnectionString, KeyPrefix, new Dictionary<string, string>
        {
            ["Accounts:RedisProbeIntervalMilliseconds"] = "100",
            ["Accounts:RedisSettleSeconds"] = "0",
        }, trustingLogs.Install);
        var (_, key) = await settling.CreateKeyAsync("payg", credits: 5);
        var unknown = ApiKeys.Generate();
        using var client = settling.Client(key);
        using var stranger = settling.Client(unknown);
        using var strangerElsewhere = trusting.Client(unknown);

        // Settled: a key Redis does not have is unknown, at once.
        using (var before = await stranger.PostAsync("/v2/rembg/", Http.Form(Png)))
        {
            await Http.AssertEnvelope(before, HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        await own.StopAsync();
        foreach (var caller in new[] { client, strangerElsewhere })
        {
            using var during = await caller.PostAsync("/v2/rembg/", Http.Form(Png)); // opens each instance's circuit
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        }

        await own.StartAsync();
        await Task.WhenAll(settlingLogs.WhenLogged("Redis answers again"), trustingLogs.WhenLogged("Redis answers again")).WaitAsync(TimeSpan.FromSeconds(30));

        using (var served = await client.PostAsync("/v2/rembg/", Http.Form(Png)))
        using (var unsure = await stranger.PostAsync("/v2/rembg/", Http.Form(Png)))
        using (var trusted = await strangerElsewhere.PostAsync("/v2/rembg/", Http.Form(Png)))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            await Http.AssertEnvelope(unsure, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            Assert.True(unsure.Headers.RetryAfter is not null, "503 without Retry-After");
            await Http.AssertEnvelope(trusted, HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        // The charge's own check: an account that vanished after the key was looked up (as a failover can make it).
        var period = BillingPeriod.Key(DateTimeOffset.UtcNow);
        await Assert.ThrowsAsync<StoreUnavailableException>(async () =>
            await settling.Services.GetRequiredService<IUsageLedger>().ReserveAsync("key_missing", period, null, default));
        var missing = await trusting.Services.GetRequiredService<IUsageLedger>().ReserveAsync("key_missing", period, null, default);
        Assert.Equal(ReservationStatus.AccountMissing, missing.Status);

        var usage = await Usage(client);
        Assert.Equal((4L, 1L), (usage.GetProperty("credits").GetInt64(), usage.GetProperty("used").GetInt64()));
    }

    [Fact]
    public async Task Outage_WhenRedisIsKilledAndRestartedMidTraffic_ShouldChargeEveryServedImageExactlyOnce()
    {
        await using var own = await RedisServer.StartPrivateAsync();
        await using var host = new AccountsHost(own.ConnectionString, KeyPrefix, new Dictionary<string, string> { ["Accounts:RedisProbeIntervalMilliseconds"] = "100" });
        var (_, payg) = await host.CreateKeyAsync("payg", credits: 1000);
        var (_, quota) = await host.CreateKeyAsync("pro");
        var served = new System.Collections.Concurrent.ConcurrentBag<(string Key, bool Charged, bool Settled)>();
        var refused = 0;
        using var stop = new CancellationTokenSource();

        // The phases follow what the clients see, not a stopwatch: Redis is killed once images are being served (so
        // six 1.5 s requests are in flight, reserved before the kill), restarted once the outage has refused a request
        // and let one through whose commit met it, and the traffic stops once an image is served and settled after it.
        var serving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refusedInOutage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var servedUnsettled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var servedAfterRestart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarted = 0;

        async Task Worker(string key)
        {
            using var client = host.Client(key);
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsync("/v2/rembg/", Http.Form(Slow), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var settled = response.Headers.Contains(key == payg ? "X-Credits-Remaining" : "X-Quota-Remaining");
                    served.Add((key, Header(response, "X-Credits-Charged") == "1", settled));
                    serving.TrySetResult();
                    if (!settled)
                    {
                        servedUnsettled.TrySetResult();
                    }
                    else if (Volatile.Read(ref restarted) == 1)
                    {
                        servedAfterRestart.TrySetResult();
                    }
                }
                else
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Interlocked.Increment(ref refused);
                    refusedInOutage.TrySetResult();
                    await Task.Delay(50, CancellationToken.None); // a client backing off, not a timing assumption
                }
            }
        }

        var workers = new[] { payg, payg, payg, quota, quota, quota }.Select(k => Task.Run(() => Worker(k))).ToList();

        // Waits for a phase's signal, failing with a worker's own exception if one failed first.
        async Task Reached(Task signal, string what)
        {
            var all = Task.WhenAll(workers);
            var first = await Task.WhenAny(signal, all, Task.Delay(TimeSpan.FromSeconds(30)));
            if (first == all)
            {
                await all;
            }

            Assert.True(first == signal, $"not reached within 30 s: {what}");
        }

        await Reached(serving.Task, "an image served before the outage");
        await own.KillAsync();
        await Reached(Task.WhenAll(refusedInOutage.Task, servedUnsettled.Task), "a request refused and an image served during the outage");
        await own.StartAsync();
        Volatile.Write(ref restarted, 1);
        await Reached(servedAfterRestart.Task, "an image served and settled after Redis returned");
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        using var paygClient = host.Client(payg);
        using var quotaClient = host.Client(quota);
        await WaitUntilRecovered(paygClient);

        var paygServed = served.Count(s => s.Key == payg);
        var quotaServed = served.Count(s => s.Key == quota);
        var paygUsage = await Usage(paygClient);
        var quotaUsage = await Usage(quotaClient);
        output.WriteLine($"served {paygServed} payg + {quotaServed} quota images, {served.Count(s => !s.Settled)} settled after the outage, {refused} refused 503");

        Assert.All(served, s => Assert.True(s.Charged, "a 200 without X-Credits-Charged: 1"));
        Assert.Contains(served, s => !s.Settled); // the test did cover images whose commit met the outage
        Assert.True(refused > 0, "no request met the outage");
        Assert.Equal((1000L - paygServed, (long)paygServed), (paygUsage.GetProperty("credits").GetInt64(), paygUsage.GetProperty("used").GetInt64()));
        Assert.Equal((long)quotaServed, quotaUsage.GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task Reserve_WhenRedisFreezesWithTheScriptOnItsWay_ShouldReleaseTheHoldItMayHaveMadeOnceRedisIsBack()
    {
        await using var own = await RedisServer.StartPrivateAsync();
        await using var host = new AccountsHost(
            own.ConnectionString + ",asyncTimeout=500,syncTimeout=500",
            KeyPrefix,
            new Dictionary<string, string> { ["Accounts:RedisProbeIntervalMilliseconds"] = "100" });
        var (id, key) = await host.CreateKeyAsync("payg", credits: 5);
        var ledger = host.Services.GetRequiredService<IUsageLedger>();
        var period = BillingPeriod.Key(DateTimeOffset.UtcNow);

        // The script reaches a frozen Redis: the call times out (the request would answer 503), and Redis makes the
        // hold when it runs again, without anyone hearing of it.
        own.Freeze();
        await Assert.ThrowsAsync<StoreUnavailableException>(async () => await ledger.ReserveAsync(id, period, null, default));
        own.Thaw();

        using var client = host.Client(key);
        await WaitUntilRecovered(client);
        var usage = await ledger.GetUsageAsync(id, period, default);
        Assert.Equal((5L, 0L), (usage.Credits, usage.Pending)); // before: (5, 1), one credit held until the hold lapsed
    }

    [Fact]
    public async Task Outage_WhenRedisIsDown_ShouldRefuseEveryCallWithin50MsAndRecoverByItself()
    {
        await using var own = await RedisServer.StartPrivateAsync();
        await using var host = new AccountsHost(own.ConnectionString, KeyPrefix, new Dictionary<string, string> { ["Accounts:RedisProbeIntervalMilliseconds"] = "100" });
        var (id, key) = await host.CreateKeyAsync("payg", credits: 5);
        using var client = host.Client(key);
        using var admin = host.AdminClient();
        using var anonymous = host.CreateClient();

        await own.KillAsync();
        using (var first = await client.PostAsync("/v2/rembg/", Http.Form(Png)))
        {
            await Http.AssertEnvelope(first, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        }

        var timings = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            foreach (var call in new Func<Task<HttpResponseMessage>>[]
            {
                () => client.PostAsync("/v2/rembg/", Http.Form(Png)),
                () => client.GetAsync("/v2/usage"),
                () => admin.GetAsync("/v2/admin/keys"),
                () => admin.PostAsJsonAsync($"/v2/admin/keys/{id}/credits", new { amount = 1 }, AccountsHost.Json),
                () => anonymous.GetAsync("/health/ready"),
            })
            {
                var watch = Stopwatch.StartNew();
                using var response = await call();
                timings.Add(watch.Elapsed.TotalMilliseconds);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                if (response.RequestMessage!.RequestUri!.AbsolutePath != "/health/ready")
                {
                    await Http.AssertEnvelope(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
                    Assert.NotNull(response.Headers.RetryAfter);
                }
            }
        }

        timings.Sort();
        var median = timings[timings.Count / 2];
        output.WriteLine($"outage refusals: median {median:F1} ms, p90 {timings[(int)(timings.Count * 0.9)]:F1} ms, max {timings[^1]:F1} ms over {timings.Count} calls");

        // Measured, with room for a loaded CI runner; without the breaker each call took the 5 s client timeout.
        Assert.True(median < 50, $"median refusal took {median:F1} ms");
        Assert.True(timings[^1] < 1000, $"slowest refusal took {timings[^1]:F1} ms");

        await own.StartAsync();
        await WaitUntilRecovered(client);
        using var after = await client.PostAsync("/v2/rembg/", Http.Form(Png));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(4, (await Usage(client)).GetProperty("credits").GetInt64());
    }

    /// <summary>
    /// Waits until the store answers again. The circuit closes only after the queued settlements are applied, so from
    /// then on the usage figures are final. (Readiness also needs the models, which these hosts do not load.)
    /// </summary>
    private static async Task WaitUntilRecovered(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var usage = await client.GetAsync("/v2/usage");
            if (usage.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the instance did not recover within 30 s of Redis returning");
            await Task.Delay(100);
        }
    }
}
