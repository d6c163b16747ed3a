using System.Globalization;
using System.Net;
using System.Text.Json;

namespace FapiHub.ContainerTests;

/// <summary>
/// SIGTERM (what <c>docker stop</c> and the kubelet send) while requests are inside: they finish with their images and
/// each is charged exactly once in the shared Redis, which a second container reads back through /v2/usage. The
/// containers use the host's network namespace on free loopback ports, so Redis is reached over loopback only.
/// </summary>
[Trait("Category", "Containers")]
[Collection(ContainerRun.Name)]
public sealed class DrainTests(ContainerImages images)
{
    private const int InFlight = 3;

    [ContainerFact]
    public async Task Stop_WhenRequestsAreInFlight_ShouldFinishThemAndChargeEachOnce()
    {
        var redisPort = RunningContainer.FreePort();
        await using var redis = await RunningContainer.StartAsync(
            ["--network", "host", "--read-only", "--tmpfs", "/data", "--user", "999:999"],
            images.Redis, "redis-server", "--port", Invariant(redisPort), "--bind", "127.0.0.1", "--dir", "/data", "--save", "", "--appendonly", "yes", "--appendfsync", "always");
        var first = await StartApiAsync(redisPort);
        int[] statuses;
        try
        {
            using var client = Api.Client(first.Port);
            await Api.WaitReadyAsync(client, first.Container.LogsAsync, () => Running(first.Container), TimeSpan.FromMinutes(3));

            var requests = Enumerable.Range(0, InFlight)
                .Select(_ => client.PostAsync(new Uri("v2/rembg/", UriKind.Relative), Api.Photo("chelsea.png", ("model", "ghost"))))
                .ToList();
            await WaitAdmittedAsync(client, InFlight);
            (await Podman.RunAsync("kill", "--signal", "TERM", first.Container.Name)).EnsureSuccess("podman kill --signal TERM");
            var responses = await Task.WhenAll(requests);
            statuses = [.. responses.Select(r => (int)r.StatusCode)];
            foreach (var response in responses)
            {
                response.Dispose();
            }

            var exit = (await Podman.RunAsync("wait", first.Container.Name)).EnsureSuccess("podman wait").Output.Trim();
            Assert.True(exit == "0", $"exit code {exit}:\n{await first.Container.LogsAsync()}");
        }
        finally
        {
            await first.Container.DisposeAsync();
        }

        var second = await StartApiAsync(redisPort);
        await using (second.Container)
        {
            using var client = Api.Client(second.Port);
            await Api.WaitReadyAsync(client, second.Container.LogsAsync, () => Running(second.Container), TimeSpan.FromMinutes(3));
            using var usage = JsonDocument.Parse(await client.GetStringAsync(new Uri("v2/usage", UriKind.Relative)));

            Assert.All(statuses, status => Assert.Equal((int)HttpStatusCode.OK, status));
            Assert.Equal(InFlight, usage.RootElement.GetProperty("used").GetInt32());
        }
    }

    private async Task<(RunningContainer Container, int Port)> StartApiAsync(int redisPort)
    {
        var port = RunningContainer.FreePort();
        var container = await RunningContainer.StartAsync(
            ["--network", "host", "--read-only", "--tmpfs", "/tmp",
             "-e", $"ASPNETCORE_URLS=http://127.0.0.1:{Invariant(port)}",
             "-e", $"ConnectionStrings__Redis=127.0.0.1:{Invariant(redisPort)}",
             "-e", $"ApiKeys__Bootstrap__0__Key={Api.Key}", "-e", "ApiKeys__Bootstrap__0__Plan=pro",
             // Long enough for three runs queued on a loaded two-core box: the drain, not its limit, is under test.
             "-e", "Limits__DrainTimeoutSeconds=300", "-e", "Inference__MaxQueue=8", "-e", "Inference__WarmUp=false"],
            images.Image);
        return (container, port);
    }

    /// <summary>Until the server counts <paramref name="count"/> requests inside (fapihub_inference_admitted on /metrics).</summary>
    private static async Task WaitAdmittedAsync(HttpClient client, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (await timer.WaitForNextTickAsync(deadline.Token))
        {
            var scrape = await client.GetStringAsync(new Uri("metrics", UriKind.Relative), deadline.Token);
            var admitted = scrape.Split('\n')
                .Where(line => line.StartsWith("fapihub_inference_admitted{", StringComparison.Ordinal))
                .Select(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
                .DefaultIfEmpty(0)
                .Sum();
            if (admitted >= count)
            {
                return;
            }
        }
    }

    private static async Task<bool> Running(RunningContainer container) =>
        (await Podman.RunAsync("inspect", "--format", "{{.State.Running}}", container.Name)).Output.Trim() == "true";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
