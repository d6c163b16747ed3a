using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace FapiHub.FunctionalTests.Accounts;

/// <summary>
/// A real Redis Cluster for the tests: three primaries and three replicas (<c>redis-server --cluster-enabled yes</c>) on
/// free loopback ports, joined by <c>redis-cli --cluster create … --cluster-replicas 1</c>, with its files in a temporary
/// folder. Nothing is persisted (<c>--appendonly no --save ''</c>): a killed primary's data survives only on its
/// replica, as in a cluster run for availability rather than disk durability. The node timeout is 1 s, so a killed
/// primary is replaced within a few seconds.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private const int NodeTimeoutMs = 1000;

    private readonly string _directory;
    private readonly Dictionary<int, Process> _nodes = [];

    private RedisCluster(string directory, int[] ports)
    {
        _directory = directory;
        Ports = ports;
    }

    /// <summary>The nodes' ports, as created (the first three start as primaries).</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>StackExchange.Redis connection string naming every node, as an operator would configure it.</summary>
    public string ConnectionString => string.Join(',', Ports.Select(p => $"127.0.0.1:{p}"));

    public static async Task<RedisCluster> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("fapihub-cluster-").FullName;
        var cluster = new RedisCluster(directory, [.. Enumerable.Range(0, 6).Select(_ => FreePort())]);
        try
        {
            foreach (var port in cluster.Ports)
            {
                cluster.StartNode(port);
            }

            foreach (var port in cluster.Ports)
            {
                await WaitForPingAsync(port);
            }

            var create = new List<string> { "--cluster", "create" };
            create.AddRange(cluster.Ports.Select(p => $"127.0.0.1:{p}"));
            create.AddRange(["--cluster-replicas", "1", "--cluster-yes"]);
            var (code, output) = await RunAsync("redis-cli", create);
            if (code != 0)
            {
                throw new InvalidOperationException($"redis-cli --cluster create failed ({code}):\n{output}");
            }

            await cluster.WaitUntilHealthyAsync(cluster.Ports);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port of the primary that serves <paramref name="key"/>'s slot now.</summary>
    public async Task<int> PrimaryOfAsync(string key)
    {
        var alive = _nodes.Keys.First(p => !_nodes[p].HasExited);
        var slot = int.Parse((await CliAsync(alive, "CLUSTER", "KEYSLOT", key)).Trim(), CultureInfo.InvariantCulture);
        foreach (var line in (await CliAsync(alive, "CLUSTER", "NODES")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (!fields[2].Contains("master", StringComparison.Ordinal) || fields[2].Contains("fail", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var range in fields.Skip(8).Where(f => !f.StartsWith('[')))
            {
                var bounds = range.Split('-');
                var low = int.Parse(bounds[0], CultureInfo.InvariantCulture);
                var high = bounds.Length > 1 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : low;
                if (slot >= low && slot <= high)
                {
                    return int.Parse(fields[1].Split('@')[0].Split(':')[1], CultureInfo.InvariantCulture);
                }
            }
        }

        throw new InvalidOperationException($"no primary serves slot {slot}");
    }

    /// <summary>
    /// Waits until the replicas of the primary on <paramref name="port"/> have every write it had made when called
    /// (their offsets reach its replication offset). Returns how far behind the slowest one was, in bytes, at the call.
    /// </summary>
    public async Task<long> WaitForReplicasAsync(int port)
    {
        if (_nodes[port].HasExited)
        {
            throw new InvalidOperationException($"node {port} is not running");
        }

        var target = -1L;
        var first = -1L;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var info = await ReplicationAsync(port);
            var offset = long.Parse(info.Single(l => l.StartsWith("master_repl_offset:", StringComparison.Ordinal)).Split(':')[1], CultureInfo.InvariantCulture);
            var replicas = info.Where(l => l.StartsWith("slave", StringComparison.Ordinal) && l.Contains("offset=", StringComparison.Ordinal))
                .Select(l => long.Parse(l.Split(',').Single(f => f.StartsWith("offset=", StringComparison.Ordinal))[7..], CultureInfo.InvariantCulture))
                .ToList();
            if (target < 0)
            {
                target = offset;
                first = replicas.Count == 0 ? -1 : offset - replicas.Min();
            }

            if (replicas.Count > 0 && replicas.Min() >= target)
            {
                return first;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the replicas of {port} did not reach offset {target} within 30 s:{Environment.NewLine}{string.Join(Environment.NewLine, info)}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// What each node holds and believes, for a failing test to show: its role and replication link, and which of
    /// <paramref name="keys"/> it has (read from its own keyspace, whatever slots it serves), then one live node's view.
    /// </summary>
    public async Task<string> DescribeAsync(params string[] keys)
    {
        var lines = new List<string>();
        var alive = _nodes.Keys.Where(p => !_nodes[p].HasExited).ToList();
        var slots = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            slots[key] = alive.Count == 0 ? "?" : (await CliAsync(alive[0], "CLUSTER", "KEYSLOT", key)).Trim();
        }

        foreach (var port in Ports)
        {
            if (_nodes[port].HasExited)
            {
                lines.Add($"{port}: not running");
                continue;
            }

            var replication = (await ReplicationAsync(port)).Where(l => l.StartsWith("role:", StringComparison.Ordinal) || l.StartsWith("master_port:", StringComparison.Ordinal)
                    || l.StartsWith("master_link_status:", StringComparison.Ordinal) || l.StartsWith("master_sync_in_progress:", StringComparison.Ordinal)
                    || l.StartsWith("master_repl_offset:", StringComparison.Ordinal) || l.StartsWith("slave0:", StringComparison.Ordinal));
            var held = new List<string>();
            foreach (var key in keys)
            {
                var found = (await CliAsync(port, "CLUSTER", "GETKEYSINSLOT", slots[key], "100")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                held.Add($"slot {slots[key]} {(found.Contains(key) ? "has" : "lacks")} {key} (holds {string.Join(", ", found)})");
            }

            lines.Add($"{port}: {string.Join(' ', replication)}; dbsize {(await CliAsync(port, "DBSIZE")).Trim()}; {string.Join("; ", held)}");
        }

        if (alive.Count > 0)
        {
            lines.Add((await CliAsync(alive[0], "CLUSTER", "NODES")).Trim());
        }

        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Kills a node at once (SIGKILL, as <c>kill -9</c>): no save, connections reset.</summary>
    public async Task KillAsync(int port)
    {
        var node = _nodes[port];
        node.Kill();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Starts a killed node again (empty: nothing was persisted). Its nodes.conf makes it rejoin the cluster; a primary
    /// that was replaced comes back as a replica of its successor. Returns once every node reports the cluster healthy.
    /// </summary>
    public async Task RestartAsync(int port)
    {
        _nodes[port].Dispose();
        StartNode(port);
        await WaitForPingAsync(port);
        await WaitUntilHealthyAsync(Ports);
    }

    /// <summary>
    /// Waits until every node named answers <c>cluster_state:ok</c>, every slot is served by a primary that is not
    /// failing and every replica's link to its primary is up, so a test starts on a settled cluster.
    /// </summary>
    public async Task WaitUntilHealthyAsync(IEnumerable<int> ports)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var healthy = true;
            foreach (var port in ports.Where(p => !_nodes[p].HasExited))
            {
                var info = await CliAsync(port, "CLUSTER", "INFO");
                healthy &= info.Contains("cluster_state:ok", StringComparison.Ordinal)
                    && info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal);

                // A replica still making its first copy of its primary cannot take over: a kill before its link is up
                // would leave the shard without a primary (slow on a loaded CI runner, where the copy takes seconds).
                var replication = await CliAsync(port, "INFO", "replication");
                healthy &= !replication.Contains("role:slave", StringComparison.Ordinal)
                    || replication.Contains("master_link_status:up", StringComparison.Ordinal);
            }

            if (healthy)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the Redis cluster did not become healthy within 60 s");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            if (!node.HasExited)
            {
                node.Kill();
                await node.WaitForExitAsync();
            }

            node.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private void StartNode(int port)
    {
        var name = port.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", name, "--bind", "127.0.0.1", "--dir", _directory,
            "--cluster-enabled", "yes", "--cluster-config-file", $"nodes-{name}.conf",
            "--cluster-node-timeout", NodeTimeoutMs.ToString(CultureInfo.InvariantCulture),
            // A replica whose primary was killed may take over however long the election takes on a starved runner
            // (by default it gives up after 10 node timeouts + 10 s); its link was up when the test started.
            "--cluster-replica-validity-factor", "0",
            "--appendonly", "no", "--save", string.Empty, "--dbfilename", $"dump-{name}.rdb",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed (apt-get install -y redis-server).", ex);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _nodes[port] = process;
    }

    private static async Task WaitForPingAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(await CliAsync(port, "PING")).Contains("PONG", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server on port {port} did not answer within 10 s");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<string> CliAsync(int port, params string[] command)
    {
        var (_, output) = await RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. command]);
        return output;
    }

    /// <summary>A node's <c>INFO replication</c>, one trimmed line per field.</summary>
    private static async Task<string[]> ReplicationAsync(int port) =>
        (await CliAsync(port, "INFO", "replication")).Split('\n', StringSplitOptions.TrimEntries);

    private static async Task<(int Code, string Output)> RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await output + await error);
    }

    private static int FreePort()
    {
        // The cluster bus listens on port + 10000: both must be free, and the bus port must stay below 65536.
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (port + 10000 < 65536 && IsFree(port + 10000))
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>One Redis Cluster for every test class of the collection (they run one after another).</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class RedisClusterGroup : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "Redis Cluster";
}
