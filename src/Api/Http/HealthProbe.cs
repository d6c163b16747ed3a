using System.Globalization;

namespace FapiHub.Api.Http;

/// <summary>
/// <c>dotnet FapiHub.Api.dll --healthcheck [url]</c>: one GET of the running server's readiness, exit code 0 on 200 and 1
/// otherwise, for the container image's HEALTHCHECK. Built into the server because the runtime image has no curl or
/// wget, and adding one (plus its libraries) only for this would grow every image. No host is built: the probe costs
/// a runtime start-up and one request.
/// </summary>
internal static class HealthProbe
{
    public const string Argument = "--healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static bool IsRequested(string[] args) => args is [Argument, ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var url = args is [_, var given, ..] ? given : DefaultUrl(Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS"));
        using var client = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{url}: {(int)response.StatusCode}"));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await output.WriteLineAsync($"{url}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>The readiness URL on the first port of <c>ASPNETCORE_HTTP_PORTS</c> (the container sets 8080).</summary>
    public static string DefaultUrl(string? httpPorts)
    {
        var first = httpPorts?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        var port = int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 8080;
        return string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/health/ready");
    }
}
