using System.Diagnostics;
using System.Text;

namespace FapiHub.ContainerTests;

/// <summary>A finished command: exit code and everything it wrote.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public CommandResult EnsureSuccess(string what) =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"{what} failed (exit {ExitCode}):\n{Output}\n{Error}");
}

/// <summary>
/// Runs podman as this sandbox needs it (and any Debian 12 machine accepts): runc instead of crun, which cannot set
/// RLIMIT_NPROC or drop cgroup controllers here, and a containers.conf without default ulimits, passed as
/// CONTAINERS_CONF. The file is written by the tests, so <c>dotnet test</c> alone works wherever the packages are.
/// </summary>
public static class Podman
{
    private static readonly Lazy<string> ContainersConf = new(() =>
    {
        // One file for every run (the content never changes), written only when missing, so runs leave nothing behind.
        const string Settings = "[containers]\ndefault_ulimits = []\n";
        var path = Path.Combine(Path.GetTempPath(), "fapihub-containers.conf");
        if (!File.Exists(path) || File.ReadAllText(path) != Settings)
        {
            var temp = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temp, Settings);
            File.Move(temp, path, overwrite: true);
        }

        return path;
    });

    /// <summary>Why the container tests cannot run here, or null when podman, runc and mmdebstrap are installed.</summary>
    public static string? Unavailable { get; } = FindUnavailable();

    public static Task<CommandResult> RunAsync(params string[] args) => RunAsync(args, TimeSpan.FromMinutes(10));

    public static Task<CommandResult> RunAsync(IReadOnlyList<string> args, TimeSpan timeout) =>
        Command.RunAsync("podman", ["--runtime", "runc", .. args], timeout, ("CONTAINERS_CONF", ContainersConf.Value));

    private static string? FindUnavailable()
    {
        var missing = new[] { "podman", "runc", "mmdebstrap", "kubectl" }.Where(program => Command.Find(program) is null).ToList();
        return missing.Count == 0
            ? null
            : $"needs {string.Join(", ", missing)} on PATH (apt-get install podman runc mmdebstrap; kubectl for the manifests)";
    }
}

/// <summary>Runs a program to its end, with a deadline, capturing its output.</summary>
public static class Command
{
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    public static async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> args, TimeSpan timeout, params (string Key, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var error = new StringBuilder();
        var reading = Task.WhenAll(Copy(process.StandardOutput, output), Copy(process.StandardError, error));
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not end within {timeout}:\n{output}\n{error}");
        }

        await reading;
        return new CommandResult(process.ExitCode, output.ToString(), error.ToString());
    }

    private static async Task Copy(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
            {
                into.Append(buffer, 0, read);
            }
        }
    }
}
