using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace FapiHub.FunctionalTests.Accounts;

/// <summary>
/// A real redis-server for the tests: the one named by REDIS_URL when it is set, otherwise a private process on a free
/// loopback port with its data in a temporary folder (so it can be stopped and started again with its data).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly int _port;
    private Process? _process;

    private RedisServer(string connectionString, string? directory, int port)
    {
        ConnectionString = connectionString;
        _directory = directory;
        _port = port;
    }

    /// <summary>StackExchange.Redis connection string of the server.</summary>
    public string ConnectionString { get; }

    /// <summary>Whether this server is our own process (and so can be stopped and restarted).</summary>
    public bool IsOwned => _directory is not null;

    /// <summary>REDIS_URL's server if set, else a fresh private one.</summary>
    public static Task<RedisServer> SharedOrStartAsync()
    {
        var url = Environment.GetEnvironmentVariable("REDIS_URL");
        return string.IsNullOrWhiteSpace(url)
            ? StartPrivateAsync()
            : Task.FromResult(new RedisServer(ToConnectionString(url), null, 0));
    }

    /// <summary>A private redis-server process, whatever REDIS_URL says.</summary>
    public static async Task<RedisServer> StartPrivateAsync()
    {
        var directory = Directory.CreateTempSubdirectory("fapihub-redis-").FullName;
        var port = FreePort();
        var server = new RedisServer($"127.0.0.1:{port}", directory, port);
        await server.StartAsync();
        return server;
    }

    /// <summary>Stops the server, saving its data first (SHUTDOWN SAVE), as an outage that loses nothing.</summary>
    public async Task StopAsync()
    {
        EnsureOwned();
        using (var admin = await ConnectAsync(allowAdmin: true))
        {
            try
            {
                await admin.GetServer(admin.GetEndPoints()[0]).ExecuteAsync("SHUTDOWN", "SAVE");
            }
            catch (RedisConnectionException)
            {
                // The server closes the connection as it shuts down.
            }
        }

        await _process!.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        _process = null;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open, commands sent meanwhile wait unread until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>Lets a frozen server run again (SIGCONT); it then executes what was sent while it was frozen.</summary>
    public void Thaw() => Signal("CONT");

    /// <summary>Kills the server at once (SIGKILL, as <c>kill -9</c>): no save, connections reset.</summary>
    public async Task KillAsync()
    {
        EnsureOwned();
        _process!.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the (killed or stopped) server again on the same port without any data, as a Redis whose disk was lost.</summary>
    public async Task StartEmptyAsync()
    {
        EnsureOwned();
        foreach (var entry in new DirectoryInfo(_directory!).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo folder)
            {
                folder.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }

        await StartAsync();
    }

    /// <summary>Runs a command as an administrator would (FLUSHALL, DEL, …).</summary>
    public async Task ExecuteAsync(string command, params object[] arguments)
    {
        using var admin = await ConnectAsync(allowAdmin: true);
        await admin.GetServer(admin.GetEndPoints()[0]).ExecuteAsync(command, arguments);
    }

    /// <summary>Starts the (stopped) server again on the same port with the data it saved.</summary>
    public async Task StartAsync()
    {
        EnsureOwned();
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            // Every write is on disk before Redis answers it (AOF, fsync always), as a deployment that must not lose a
            // charge in a crash runs it: so a kill -9 loses nothing and the restarted server has the same ledger.
            "--dir", _directory!, "--dbfilename", "dump.rdb", "--save", string.Empty, "--appendonly", "yes", "--appendfsync", "always",
        })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed (apt-get install -y redis-server) and REDIS_URL is not set.", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = await ConnectAsync(allowAdmin: false);
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (Exception ex) when ((ex is RedisConnectionException
                    || (ex is RedisServerException && ex.Message.StartsWith("LOADING", StringComparison.Ordinal))) // replaying its AOF
                && DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string ToConnectionString(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "redis"
            ? $"{uri.Host}:{(uri.Port > 0 ? uri.Port : 6379)}"
            : url;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<ConnectionMultiplexer> ConnectAsync(bool allowAdmin)
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AllowAdmin = allowAdmin;
        options.ConnectTimeout = 1000;
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    private void EnsureOwned()
    {
        if (!IsOwned)
        {
            throw new InvalidOperationException("Only a private redis-server can be stopped and started.");
        }
    }

    private void Signal(string signal)
    {
        EnsureOwned();
        using var kill = Process.Start("kill", ["-" + signal, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
