using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using FapiHub.FunctionalTests.Accounts;

namespace FapiHub.FunctionalTests.Scaling;

/// <summary>
/// Two instances of the built app (child <c>dotnet</c> processes, real models, one inference at a time each) sharing
/// one redis-server, behind HAProxy running deploy/haproxy/haproxy.cfg, all on loopback. Tests that stop an instance
/// start it again on its port before they end, so every test starts with both instances in the pool.
/// </summary>
public sealed class LoadBalancedDeployment : IAsyncLifetime
{
    public const string AdminKey = "admin-key-for-scaling-tests";
    public const int Instances = 2;

    private readonly string _prefix = "lb-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ApiProcess?[] _instances = new ApiProcess?[Instances];
    private readonly int[] _ports = [.. Enumerable.Range(0, Instances).Select(_ => Haproxy.FreePort())];
    private RedisServer _redis = null!;

    public Haproxy Balancer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartPrivateAsync();
        Balancer = await Haproxy.StartAsync(_ports);
        await Task.WhenAll(Enumerable.Range(0, Instances).Select(i => StartAsync(i)));
    }

    /// <summary>HAProxy's name of instance <paramref name="index"/>.</summary>
    public static string Name(int index) => $"api{index + 1}";

    public ApiProcess Instance(int index) => _instances[index]!;

    /// <summary>
    /// Starts instance <paramref name="index"/> on its port and waits until it is ready and HAProxy's checks pass:
    /// status UP, or DRAIN for a server an operator drained (<paramref name="status"/>). The instance's own readiness
    /// comes first: a restart quicker than HAProxy's checks leaves the old process's status standing, and the new
    /// process would only then fail its checks while its models load.
    /// </summary>
    public async Task StartAsync(int index, string status = "UP")
    {
        if (_instances[index] is { } old)
        {
            await old.DisposeAsync();
        }

        _instances[index] = ApiProcess.Start(
            null,
            ("ASPNETCORE_URLS", $"http://127.0.0.1:{_ports[index].ToString(CultureInfo.InvariantCulture)}"),
            ("ConnectionStrings__Redis", _redis.ConnectionString),
            ("Accounts__RedisKeyPrefix", _prefix),
            ("Admin__ApiKey", AdminKey),
            ("Plans__payg__PerMinute", "100000"),
            // One inference at a time on one ONNX thread: an instance is one core's worth of work. The queue is deep
            // enough for the tests' load, so no request is refused as server_busy.
            ("Inference__MaxConcurrency", "1"),
            ("Inference__IntraOpThreads", "1"),
            ("Inference__MaxQueue", "100"),
            // A busy CI runner can take seconds per image: requests queued behind a dozen others must not time out.
            ("Inference__TimeoutSeconds", "600"),
            ("Accounts__ReservationTimeoutSeconds", "900"));
        using var client = await _instances[index]!.ClientAsync(TimeSpan.FromSeconds(120));
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            using var ready = await client.GetAsync("/health/ready");
            if (ready.IsSuccessStatusCode)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{Name(index)} was not ready within 120 s: {await ready.Content.ReadAsStringAsync()}");
            await Task.Delay(100);
        }

        await Balancer.WaitForStatusAsync(Name(index), status, TimeSpan.FromSeconds(120));
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = Balancer.Address, Timeout = TimeSpan.FromSeconds(120) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("ApiKey", apiKey);
        }

        return client;
    }

    /// <summary>Creates a pay-as-you-go key through the balancer's admin API.</summary>
    public async Task<string> CreateKeyAsync(long credits)
    {
        using var admin = Client();
        admin.DefaultRequestHeaders.Add("AdminKey", AdminKey);
        using var response = await admin.PostAsJsonAsync("/v2/admin/keys", new { name = "scaling", plan = "payg", credits }, AccountsHost.Json);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("key").GetString()!;
    }

    /// <summary>(used, credits) of the key, as the store has them.</summary>
    public async Task<(long Used, long Credits)> UsageAsync(string key)
    {
        using var client = Client(key);
        using var response = await client.GetAsync("/v2/usage");
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("used").GetInt64(), body.RootElement.GetProperty("credits").GetInt64());
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            if (instance is not null)
            {
                await instance.DisposeAsync();
            }
        }

        await Balancer.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
