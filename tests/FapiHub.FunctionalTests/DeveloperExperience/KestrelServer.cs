using System.Net;
using System.Text.Json;
using FapiHub.FunctionalTests.Accounts;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>
/// The real application on a real Kestrel port (a browser and child processes cannot use the in-memory test server),
/// with the fast fake model of <see cref="AccountsHost"/>, and a scratch folder for whatever the tests write.
/// </summary>
public sealed class KestrelServer : IAsyncLifetime
{
    /// <summary>A plan whose second call within a minute is refused, for the 429 case.</summary>
    public const string OnePerMinutePlan = "one-per-minute";

    public AccountsHost Host { get; } = new(null, "developer-experience", new Dictionary<string, string>
    {
        [$"Plans:{OnePerMinutePlan}:MonthlyQuota"] = "1000",
        [$"Plans:{OnePerMinutePlan}:PerMinute"] = "1",
    });

    /// <summary>Scheme, host and port, without a trailing slash: what a user would put in BASE_URL.</summary>
    public string BaseUrl { get; private set; } = "";

    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("fapihub-dx-").FullName;

    public Task InitializeAsync()
    {
        Host.UseKestrel(0);
        Host.StartServer();
        using var client = Host.CreateClient();
        BaseUrl = client.BaseAddress!.GetLeftPart(UriPartial.Authority);
        return Task.CompletedTask;
    }

    /// <summary>The envelope message the API itself gives for a call with <paramref name="apiKey"/>, so the tests never hard-code its wording.</summary>
    public async Task<string> UnauthorizedMessageAsync(string apiKey)
    {
        using var client = Host.Client(apiKey);
        using var response = await client.PostAsync("/v2/rembg/", Http.Form(await File.ReadAllBytesAsync(Http.Fixture("chelsea.png"))));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetProperty("message").GetString()!;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }
}
