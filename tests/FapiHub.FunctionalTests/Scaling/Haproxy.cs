using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FapiHub.FunctionalTests.Scaling;

/// <summary>
/// Debian's haproxy running deploy/haproxy/haproxy.cfg unchanged except for its bind address, its runtime-API socket
/// and its server lines (one per instance port), in a temporary folder, on a free loopback port.
/// </summary>
public sealed class Haproxy : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Process _process;

    private Haproxy(string directory, Process process, int port)
    {
        _directory = directory;
        _process = process;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Address { get; }

    private string Socket => Path.Combine(_directory, "admin.sock");

    /// <summary>The configuration template, as shipped.</summary>
    public static string TemplatePath()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "FapiHub.sln")))
        {
            root = root.Parent;
        }

        return Path.Combine(root!.FullName, "deploy", "haproxy", "haproxy.cfg");
    }

    public static async Task<Haproxy> StartAsync(IReadOnlyList<int> instancePorts)
    {
        var directory = Directory.CreateTempSubdirectory("fapihub-haproxy-").FullName;
        var lines = (await File.ReadAllLinesAsync(TemplatePath())).Where(l => !l.TrimStart().StartsWith("server ", StringComparison.Ordinal)).ToList();
        lines.AddRange(instancePorts.Select((port, i) => $"    server api{i + 1} 127.0.0.1:{port}"));
        var config = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllLinesAsync(config, lines);

        var port = FreePort();
        var start = new ProcessStartInfo("haproxy")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-db"); // foreground
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(config);
        start.Environment["HAPROXY_BIND"] = $"127.0.0.1:{port}";
        start.Environment["HAPROXY_SOCKET"] = Path.Combine(directory, "admin.sock");
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("haproxy did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("haproxy is not installed (apt-get install -y haproxy).", ex);
        }

        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var haproxy = new Haproxy(directory, process, port);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(haproxy.Socket))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await haproxy.DisposeAsync();
                lock (output)
                {
                    throw new InvalidOperationException($"haproxy did not start:\n{output}");
                }
            }

            await Task.Delay(50);
        }

        return haproxy;
    }

    /// <summary>Runs a runtime-API command (<c>show stat</c>, <c>set server api/api1 state drain</c>, …) and returns its answer.</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Socket));
        await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"));
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync();
    }

    /// <summary>The server's status (UP, DOWN, DRAIN, MAINT, "UP 1/2", …) and its current sessions, from <c>show stat</c>.</summary>
    public async Task<(string Status, int Sessions)> ServerAsync(string server)
    {
        var row = await RowAsync(server);
        return (row["status"], int.Parse(row["scur"], CultureInfo.InvariantCulture));
    }

    /// <summary>The current sessions of each server of the <c>api</c> backend, from one <c>show stat</c>.</summary>
    public async Task<IReadOnlyDictionary<string, int>> SessionsAsync()
    {
        var csv = (await CommandAsync("show stat")).Split('\n');
        var header = csv[0].TrimStart('#', ' ').Split(',');
        var scur = Array.IndexOf(header, "scur");
        return csv.Skip(1).Select(l => l.Split(','))
            .Where(f => f.Length > 2 && f[0] == "api" && f[1] is not ("FRONTEND" or "BACKEND"))
            .ToDictionary(f => f[1], f => int.Parse(f[scur], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Waits until the server's status is exactly <paramref name="status"/> (a health-check verdict; "UP 1/2", a server
    /// on its way down, is not "UP") and, unless it is DOWN, its last check passed, so no failure is being counted.
    /// </summary>
    public async Task WaitForStatusAsync(string server, string status, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var row = await RowAsync(server);
            if (row["status"] == status && (status == "DOWN" || row["check_status"] == "L7OK"))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"haproxy did not see {server} {status} within {limit.TotalSeconds} s (last: {row["status"]}, check {row["check_status"]})");
            await Task.Delay(100);
        }
    }

    private async Task<Dictionary<string, string>> RowAsync(string server)
    {
        var csv = (await CommandAsync("show stat")).Split('\n');
        var header = csv[0].TrimStart('#', ' ').Split(',');
        var row = csv.Skip(1).Select(l => l.Split(',')).First(f => f.Length > 2 && f[0] == "api" && f[1] == server);
        return header.Zip(row).Where(p => p.First.Length > 0).ToDictionary(p => p.First, p => p.Second);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
