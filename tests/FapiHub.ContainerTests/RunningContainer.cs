using System.Net;
using System.Net.Sockets;

namespace FapiHub.ContainerTests;

/// <summary>A container started for one test (<c>podman run -d</c>), removed with it.</summary>
public sealed class RunningContainer : IAsyncDisposable
{
    private RunningContainer(string name) => Name = name;

    public string Name { get; }

    public static async Task<RunningContainer> StartAsync(IEnumerable<string> options, string image, params string[] command)
    {
        var name = $"fapihub-test-{Guid.NewGuid():N}"[..28];
        (await Podman.RunAsync(["run", "-d", "--name", name, .. options, image, .. command], TimeSpan.FromMinutes(2))).EnsureSuccess($"podman run {image}");
        return new RunningContainer(name);
    }

    public Task<CommandResult> ExecAsync(params string[] command) => Podman.RunAsync(["exec", Name, .. command], TimeSpan.FromMinutes(1));

    public async Task<string> LogsAsync()
    {
        var logs = await Podman.RunAsync("logs", Name);
        return logs.Output + logs.Error;
    }

    /// <summary>The host port podman published for the container's <paramref name="port"/> (run with -p 127.0.0.1::port).</summary>
    public async Task<int> HostPortAsync(int port)
    {
        var mapping = (await Podman.RunAsync("port", Name, port.ToString(System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccess("podman port").Output.Trim();
        return int.Parse(mapping[(mapping.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await Podman.RunAsync("rm", "--force", "--time", "0", Name);

    /// <summary>A loopback port nothing listens on now (containers on the host network are given one each).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
