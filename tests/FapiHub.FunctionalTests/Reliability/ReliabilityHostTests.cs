using System.Net;
using System.Text.Json;
using FapiHub.FunctionalTests.Accounts;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>Shared plumbing: hosts on the embedded store with a fast fake model, and a pay-per-use key whose balance proves "never charged".</summary>
public abstract class ReliabilityHostTests : IAsyncLifetime
{
    protected const long StartingCredits = 1_000;

    private readonly List<AccountsHost> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    protected AccountsHost Host(params (string Key, string Value)[] settings) => Host(null, settings);

    protected AccountsHost Host(Action<Microsoft.Extensions.Logging.ILoggingBuilder>? logging, params (string Key, string Value)[] settings) =>
        Host(logging, null, settings);

    /// <summary>A host whose services a test adjusts after the application's own wiring (<paramref name="services"/>).</summary>
    protected AccountsHost Host(
        Action<Microsoft.Extensions.Logging.ILoggingBuilder>? logging,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services,
        params (string Key, string Value)[] settings)
    {
        var all = settings.Append(("Plans:payg:PerMinute", "100000")).ToDictionary(s => s.Item1, s => s.Item2, StringComparer.OrdinalIgnoreCase);
        var host = new AccountsHost(null, "reliability", all, logging, services);
        _hosts.Add(host);
        return host;
    }

    /// <summary>A client on a fresh pay-per-use key with <see cref="StartingCredits"/> credits.</summary>
    protected static async Task<HttpClient> PayingClient(AccountsHost host)
    {
        var (_, key) = await host.CreateKeyAsync("payg", StartingCredits);
        return host.Client(key);
    }

    protected static async Task<long> Credits(HttpClient client)
    {
        using var response = await client.GetAsync("/v2/usage");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("credits").GetInt64();
    }
}
