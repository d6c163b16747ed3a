using System.Net;
using System.Text.Json;

namespace FapiHub.ContainerTests;

/// <summary>The repository's Dockerfile, built from locally made bases, run as an operator runs it.</summary>
[Trait("Category", "Containers")]
[Collection(ContainerRun.Name)]
public sealed class ImageTests(ContainerImages images)
{
    [ContainerFact]
    public async Task Image_WhenBuilt_ShouldBeUnder400MBNonRootOnPort8080WithHealthcheckAndLabels()
    {
        var inspect = (await Podman.RunAsync("image", "inspect", images.Image)).EnsureSuccess("podman image inspect").Output;
        var image = JsonDocument.Parse(inspect).RootElement[0];
        var config = image.GetProperty("Config");
        var labels = config.GetProperty("Labels");

        Assert.InRange(image.GetProperty("Size").GetInt64(), 1, 400 * ContainerImages.MegaByte);
        Assert.Equal("1654:1654", config.GetProperty("User").GetString());
        Assert.True(config.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
        Assert.Contains("--healthcheck", Property(image, "Healthcheck").GetProperty("Test").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("Apache-2.0", labels.GetProperty("org.opencontainers.image.licenses").GetString(), StringComparison.Ordinal);
        Assert.Equal(ContainerImages.Version, labels.GetProperty("org.opencontainers.image.version").GetString());
        Assert.True(labels.TryGetProperty("org.opencontainers.image.source", out _));
    }

    [ContainerFact]
    public async Task Run_WhenStartedWithAReadOnlyRoot_ShouldBeReadyAndRemoveABackgroundAsNonRoot()
    {
        await using var container = await RunningContainer.StartAsync(
            ["-p", "127.0.0.1::8080", "--read-only", "--tmpfs", "/tmp",
             "-e", $"ApiKeys__Bootstrap__0__Key={Api.Key}", "-e", "ApiKeys__Bootstrap__0__Plan=pro"],
            images.Image);
        using var client = Api.Client(await container.HostPortAsync(8080));
        await Api.WaitReadyAsync(client, container.LogsAsync, () => Running(container), TimeSpan.FromMinutes(3));

        using var cutOut = await client.PostAsync(new Uri("v2/rembg/", UriKind.Relative), Api.Photo("astronaut.png"));
        var png = await cutOut.Content.ReadAsByteArrayAsync();
        var uid = await container.ExecAsync("id", "-u");
        var writeApp = await container.ExecAsync("touch", "/app/written");
        var writeTmp = await container.ExecAsync("touch", "/tmp/written");
        var health = await Podman.RunAsync("healthcheck", "run", container.Name);

        Assert.Equal(HttpStatusCode.OK, cutOut.StatusCode);
        Assert.True(Api.IsRgbaPng(png), "the cut-out is an RGBA PNG");
        Assert.Equal("1654", uid.Output.Trim());
        Assert.NotEqual(0, writeApp.ExitCode);
        Assert.Contains("Read-only file system", writeApp.Error, StringComparison.Ordinal);
        Assert.Equal(0, writeTmp.ExitCode);
        Assert.True(health.ExitCode == 0, $"podman healthcheck run: {health.Output}{health.Error}");
    }

    /// <summary>podman spells some keys differently across versions (Healthcheck, HealthCheck).</summary>
    private static JsonElement Property(JsonElement element, string name) =>
        element.EnumerateObject().Single(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static async Task<bool> Running(RunningContainer container) =>
        (await Podman.RunAsync("inspect", "--format", "{{.State.Running}}", container.Name)).Output.Trim() == "true";
}
