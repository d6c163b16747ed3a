using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Accounts;
using FapiHub.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace FapiHub.FunctionalTests.Accounts;

/// <summary>
/// The accounts contract, run once against each store (<see cref="EmbeddedStoreAccountTests"/>,
/// <see cref="RedisStoreAccountTests"/>): per-minute limits, quotas, credits without double spending, no charge for
/// failures, the usage call and the admin API.
/// </summary>
public abstract class AccountBehaviourTests : IAsyncLifetime
{
    protected static readonly byte[] Png = TestImages.Encode(8, 8, (_, _) => SKColors.Olive);

    private readonly List<AccountsHost> _hosts = [];

    /// <summary>The Redis connection string, or null for the embedded store.</summary>
    protected abstract string? Redis { get; }

    /// <summary>Keys of this test class's hosts, so classes sharing one Redis never see each other's buckets.</summary>
    protected string KeyPrefix { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task PerMinuteLimit_WhenABurstExceedsThePlan_ShouldAnswer429WithRetryAfterAndRateLimitHeaders()
    {
        var host = Host(("Plans:tiny:MonthlyQuota", "1000"), ("Plans:tiny:PerMinute", "3"));
        var (_, key) = await host.CreateKeyAsync("tiny");
        using var client = host.Client(key);

        var remaining = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            // No image: a 400, but the bucket is taken at the edge before the body is looked at.
            using var allowed = await client.PostAsync("/v2/rembg/", Http.Form(null, model: "falcon"));
            Assert.Equal(HttpStatusCode.BadRequest, allowed.StatusCode);
            Assert.Equal("3", Header(allowed, "X-RateLimit-Limit"));
            remaining.Add(Header(allowed, "X-RateLimit-Remaining"));
        }

        using var refused = await client.PostAsync("/v2/rembg/", Http.Form(Png));

        Assert.Equal(["2", "1", "0"], remaining);
        await Http.AssertEnvelope(refused, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        var retryAfter = await RetryAfter(refused);
        Assert.InRange(retryAfter, 19, 20); // 3 per minute: a token every 20 s
        Assert.Equal(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(refused, "Retry-After"));
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task PerMinuteLimit_WhenRetryAfterHasPassed_ShouldServeAgain()
    {
        // A "minute" of 4 s and 2 per minute: a token every 2 s, long enough for the burst on a busy machine where the
        // wait is real (Redis's buckets run on Redis's clock); the embedded store's run on the host's clock, moved by hand.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var host = Host(
            services => services.AddSingleton<TimeProvider>(clock),
            ("RateLimiting:WindowSeconds", "4"), ("Plans:tiny:MonthlyQuota", "1000"), ("Plans:tiny:PerMinute", "2"));
        var (_, key) = await host.CreateKeyAsync("tiny");
        using var client = host.Client(key);
        for (var i = 0; i < 2; i++)
        {
            using var burst = await client.PostAsync("/v2/rembg/", Http.Form(Png));
            Assert.Equal(HttpStatusCode.OK, burst.StatusCode);
        }

        int retryAfter;
        using (var refused = await client.PostAsync("/v2/rembg/", Http.Form(Png)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            retryAfter = await RetryAfter(refused);
        }

        Assert.InRange(retryAfter, 1, 2);
        await LetTimePass(clock, TimeSpan.FromSeconds(retryAfter));
        using var refilled = await client.PostAsync("/v2/rembg/", Http.Form(Png));

        Assert.Equal(HttpStatusCode.OK, refilled.StatusCode);
    }

    [Fact]
    public async Task PayAsYouGo_When200ConcurrentRequestsShareFiftyCredits_ShouldServeExactlyFifty()
    {
        var host = Host(("Plans:payg:PerMinute", "100000"));
        var (_, key) = await host.CreateKeyAsync("payg", credits: 50);
        using var client = host.Client(key);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.PostAsync("/v2/rembg/mask/", Http.Form(Png));
            return response.StatusCode;
        }));

        Assert.Equal(50, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(150, statuses.Count(s => s == HttpStatusCode.PaymentRequired));
        var usage = await Usage(client);
        Assert.Equal((0L, 50L), (usage.GetProperty("credits").GetInt64(), usage.GetProperty("used").GetInt64()));
    }

    [Fact]
    public async Task Charging_WhenTheImageIsInvalidOrTheHandlerFails_ShouldChargeNothing()
    {
        var host = Host();
        var (_, key) = await host.CreateKeyAsync("payg", credits: 5);
        using var client = host.Client(key);

        using var text = await client.PostAsync("/v2/rembg/", Http.Form("not a picture"u8.ToArray(), "a.txt", mediaType: "text/plain"));
        using var failing = await client.PostAsync("/v2/rembg/", Http.Form(TestImages.Encode(AccountsHost.FailingWidth, 4, (_, _) => SKColors.Red)));
        using var empty = await client.PostAsync("/v2/rembg/", Http.Form([], "empty.png"));

        await Http.AssertEnvelope(text, HttpStatusCode.BadRequest, "invalid_image");
        await Http.AssertEnvelope(failing, HttpStatusCode.InternalServerError, "internal_error");
        await Http.AssertEnvelope(empty, HttpStatusCode.BadRequest, "invalid_request");
        Assert.False(text.Headers.Contains("X-Credits-Charged"));
        var usage = await Usage(client);
        Assert.Equal((5L, 0L), (usage.GetProperty("credits").GetInt64(), usage.GetProperty("used").GetInt64()));
    }

    [Fact]
    public async Task Success_WhenCharged_ShouldSayWhatItCostAndWhatIsLeft()
    {
        var host = Host();
        var (_, payg) = await host.CreateKeyAsync("payg", credits: 5);
        var (_, pro) = await host.CreateKeyAsync("pro");

        using var paygClient = host.Client(payg);
        using var proClient = host.Client(pro);
        using var paid = await paygClient.PostAsync("/v2/rembg/", Http.Form(Png));
        using var quota = await proClient.PostAsync("/v2/rembg", Http.Form(Png));

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(("1", "4"), (Header(paid, "X-Credits-Charged"), Header(paid, "X-Credits-Remaining")));
        Assert.Equal(HttpStatusCode.OK, quota.StatusCode);
        Assert.Equal(("1", "7499"), (Header(quota, "X-Credits-Charged"), Header(quota, "X-Quota-Remaining")));
        Assert.Equal("150", Header(quota, "X-RateLimit-Limit"));
        Assert.True(int.Parse(Header(quota, "X-RateLimit-Reset"), System.Globalization.CultureInfo.InvariantCulture) >= 0);
    }

    [Fact]
    public async Task MonthlyQuota_WhenUsedUp_ShouldAnswer429UntilNextMonth()
    {
        var host = Host(("Plans:tiny:MonthlyQuota", "1"), ("Plans:tiny:PerMinute", "100"));
        var (_, key) = await host.CreateKeyAsync("tiny");
        using var client = host.Client(key);

        using var first = await client.PostAsync("/v2/rembg/", Http.Form(Png));
        using var second = await client.PostAsync("/v2/rembg/", Http.Form(Png));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("Monthly quota", await Http.AssertEnvelope(second, HttpStatusCode.TooManyRequests, "rate_limit_exceeded"), StringComparison.Ordinal);
        var expected = (DateTimeOffset.UtcNow.AddMonths(1) is var next ? new DateTimeOffset(next.Year, next.Month, 1, 0, 0, 0, TimeSpan.Zero) : default) - DateTimeOffset.UtcNow;
        Assert.InRange(await RetryAfter(second), expected.TotalSeconds - 60, expected.TotalSeconds + 60);
    }

    [Fact]
    public async Task Usage_WhenCalled_ShouldReportThePlanAndCostNothing()
    {
        var host = Host();
        var (_, key) = await host.CreateKeyAsync("basic");
        using var client = host.Client(key);
        using (var image = await client.PostAsync("/v2/rembg/", Http.Form(Png)))
        {
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        }

        var usage = await Usage(client);
        var again = await Usage(client);

        Assert.Equal("basic", usage.GetProperty("plan").GetString());
        Assert.Equal(100, usage.GetProperty("monthly_quota").GetInt64());
        Assert.Equal(1, usage.GetProperty("used").GetInt64());
        Assert.Equal(99, usage.GetProperty("remaining").GetInt64());
        Assert.Equal(100, usage.GetProperty("per_minute").GetInt32());
        Assert.Equal(0, usage.GetProperty("credits").GetInt64());
        Assert.True(usage.GetProperty("reset_at").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.Equal(1, again.GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task Usage_WhenKeyIsMissing_ShouldBe401()
    {
        using var client = Host().Client();

        using var response = await client.GetAsync("/v2/usage");

        await Http.AssertEnvelope(response, HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task Admin_WhenAKeyIsCreatedUsedToppedUpAndRevoked_ShouldFollowEveryStep()
    {
        var host = Host();
        using var admin = host.AdminClient();

        using var created = await admin.PostAsJsonAsync("/v2/admin/keys", new { name = "shop", plan = "payg", credits = 1 }, AccountsHost.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetString()!;
        var key = body.RootElement.GetProperty("key").GetString()!;
        Assert.StartsWith("fh_live_", key, StringComparison.Ordinal);

        using var client = host.Client(key);
        using (var first = await client.PostAsync("/v2/rembg/", Http.Form(Png)))
        using (var broke = await client.PostAsync("/v2/rembg/", Http.Form(Png)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            await Http.AssertEnvelope(broke, HttpStatusCode.PaymentRequired, "insufficient_credits");
        }

        using (var topUp = await admin.PostAsJsonAsync($"/v2/admin/keys/{id}/credits", new { amount = 2 }, AccountsHost.Json))
        {
            Assert.Equal(HttpStatusCode.OK, topUp.StatusCode);
            Assert.Equal(2, JsonDocument.Parse(await topUp.Content.ReadAsStringAsync()).RootElement.GetProperty("credits").GetInt64());
        }

        using (var paidAgain = await client.PostAsync("/v2/rembg/", Http.Form(Png)))
        {
            Assert.Equal(HttpStatusCode.OK, paidAgain.StatusCode);
        }

        using (var moved = await admin.PatchAsJsonAsync($"/v2/admin/keys/{id}", new { plan = "pro" }, AccountsHost.Json))
        {
            Assert.Equal("pro", JsonDocument.Parse(await moved.Content.ReadAsStringAsync()).RootElement.GetProperty("plan").GetString());
        }

        var list = await admin.GetStringAsync("/v2/admin/keys");
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal); // the secret is shown once, at creation

        using (var revoked = await admin.DeleteAsync($"/v2/admin/keys/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        using var rejected = await client.PostAsync("/v2/rembg/", Http.Form(Png));
        await Http.AssertEnvelope(rejected, HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task Admin_WhenTheKeyIsWrongOrMissing_ShouldBe401AndWhenTheRequestIsBad_400Or404()
    {
        var host = Host();
        using var wrong = host.AdminClient("not-the-admin-key");
        using var none = host.Client();
        using var admin = host.AdminClient();

        using var wrongResponse = await wrong.GetAsync("/v2/admin/keys");
        using var noneResponse = await none.GetAsync("/v2/admin/keys");
        using var unknownPlan = await admin.PostAsJsonAsync("/v2/admin/keys", new { name = "x", plan = "platinum" }, AccountsHost.Json);
        using var unknownId = await admin.PostAsJsonAsync("/v2/admin/keys/key_0000000000000000/credits", new { amount = 5 }, AccountsHost.Json);
        using var badJson = await admin.PostAsync("/v2/admin/keys", new StringContent("{\"name\":", System.Text.Encoding.UTF8, "application/json"));

        await Http.AssertEnvelope(wrongResponse, HttpStatusCode.Unauthorized, "invalid_admin_key");
        await Http.AssertEnvelope(noneResponse, HttpStatusCode.Unauthorized, "invalid_admin_key");
        Assert.Contains("'plan'", await Http.AssertEnvelope(unknownPlan, HttpStatusCode.BadRequest, "invalid_request"), StringComparison.Ordinal);
        await Http.AssertEnvelope(unknownId, HttpStatusCode.NotFound, "not_found");
        await Http.AssertEnvelope(badJson, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task AdminCorrection_WhenItWouldRemoveCreditsHeldByRequestsInFlight_ShouldClampSayWhatWasAppliedAndNeverGoNegative()
    {
        var host = Host();
        var (id, key) = await host.CreateKeyAsync("payg", credits: 3);
        using var client = host.Client(key);
        using var admin = host.AdminClient();
        var slow = TestImages.Encode(AccountsHost.SlowWidth, 8, (_, _) => SKColors.Plum); // the fake model takes 1.5 s
        var inFlight = Enumerable.Range(0, 3).Select(_ => client.PostAsync("/v2/rembg/", Http.Form(slow))).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await Usage(client)).GetProperty("credits").GetInt64() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20); // until all three hold their credit
        }

        using var correction = await admin.PostAsJsonAsync($"/v2/admin/keys/{id}/credits", new { amount = -3 }, AccountsHost.Json);
        var corrected = JsonDocument.Parse(await correction.Content.ReadAsStringAsync()).RootElement.Clone();
        var statuses = new List<HttpStatusCode>();
        foreach (var request in inFlight)
        {
            using var response = await request;
            statuses.Add(response.StatusCode);
        }

        var afterImages = await Usage(client);
        using var topUp = await admin.PostAsJsonAsync($"/v2/admin/keys/{id}/credits", new { amount = 1 }, AccountsHost.Json);
        var toppedUp = JsonDocument.Parse(await topUp.Content.ReadAsStringAsync()).RootElement.Clone();

        Assert.Equal(HttpStatusCode.OK, correction.StatusCode);
        Assert.Equal((-3L, 0L, 3L, 3L), (corrected.GetProperty("requested").GetInt64(), corrected.GetProperty("applied").GetInt64(), corrected.GetProperty("held").GetInt64(), corrected.GetProperty("credits").GetInt64()));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        Assert.Equal((0L, 3L), (afterImages.GetProperty("credits").GetInt64(), afterImages.GetProperty("used").GetInt64()));
        Assert.Equal((1L, 1L), (toppedUp.GetProperty("applied").GetInt64(), toppedUp.GetProperty("credits").GetInt64()));
        var listed = JsonDocument.Parse(await admin.GetStringAsync("/v2/admin/keys")).RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal(1, listed.GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task Admin_WhenNoAdminKeyIsConfigured_ShouldNotExist()
    {
        var host = Host(("Admin:ApiKey", string.Empty));
        using var admin = host.AdminClient();

        using var response = await admin.GetAsync("/v2/admin/keys");

        await Http.AssertEnvelope(response, HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>
    /// Issue 25, case 5 at run time: a key whose plan configuration no longer defines (removed while Redis was
    /// unreachable at start-up, or written by another instance). Before: 500 internal_error on every image call and
    /// on /v2/usage.
    /// </summary>
    [Fact]
    public async Task OrphanedPlan_WhenAKeysPlanIsNoLongerConfigured_ShouldAnswer401NamingThePlanOnEveryCallNever500()
    {
        var host = Host();
        var key = ApiKeys.Generate();
        using var client = host.Client(key);
        await host.Services.GetRequiredService<IAccountStore>().CreateAsync(new NewAccount(ApiKeys.Digest(key), "orphan", "gold", 5), default);

        using var image = await client.PostAsync("/v2/rembg/", Http.Form(Png));
        using var effect = await client.PostAsync("/v2/rembg/shadow", Http.Form(Png));
        using var usage = await client.GetAsync("/v2/usage");

        foreach (var response in new[] { image, effect, usage })
        {
            var message = await Http.AssertEnvelope(response, HttpStatusCode.Unauthorized, "invalid_api_key");
            Assert.Contains("plan 'gold', which this server no longer offers", message, StringComparison.Ordinal);
        }
    }

    protected AccountsHost Host(params (string Key, string Value)[] settings) => Host(null, settings);

    /// <summary>A host whose services the test adjusts after the application's own wiring (e.g. its clock).</summary>
    protected AccountsHost Host(Action<IServiceCollection>? services, params (string Key, string Value)[] settings)
    {
        var host = new AccountsHost(Redis, KeyPrefix, settings.ToDictionary(s => s.Key, s => s.Value, StringComparer.OrdinalIgnoreCase), services: services);
        _hosts.Add(host);
        return host;
    }

    /// <summary>
    /// Lets <paramref name="span"/> pass for the store's rate limits: the embedded store reads the host's clock, so the
    /// test moves it and waits for nothing.
    /// </summary>
    private protected virtual Task LetTimePass(ManualClock clock, TimeSpan span)
    {
        clock.Advance(span);
        return Task.CompletedTask;
    }

    protected static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : $"(no {name})";

    protected static async Task<JsonElement> Usage(HttpClient client)
    {
        using var response = await client.GetAsync("/v2/usage");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<int> RetryAfter(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").GetProperty("retry_after").GetInt32();
    }
}

/// <summary>The contract on the embedded (in-process) store.</summary>
public sealed class EmbeddedStoreAccountTests : AccountBehaviourTests
{
    protected override string? Redis => null;
}
