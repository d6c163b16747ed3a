using System.Diagnostics;

namespace FapiHub.Tests.Shared;

/// <summary>
/// Runs Node.js tools the way CI has them: npm packages pinned by a committed package-lock.json, installed with
/// <c>npm ci</c> into a git-ignored folder (never globally), then run as child processes.
/// </summary>
internal static class NodeTools
{
    /// <summary>
    /// <c>npm ci</c> in <paramref name="folder"/> (which holds package.json and package-lock.json). From npm's cache this
    /// takes seconds; the first run on a fresh machine downloads the pinned packages from the npm registry.
    /// </summary>
    public static async Task InstallAsync(string folder)
    {
        var install = await RunAsync(Npm(), ["ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, limit: TimeSpan.FromMinutes(5));
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed in {folder}:\n{install.Describe()}");
        }
    }

    /// <summary>Runs <paramref name="program"/> and collects its output; kills it (and its children) after <paramref name="limit"/>.</summary>
    public static async Task<ToolRun> RunAsync(
        string program, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? limit = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No update checks or telemetry: the tools must not depend on (or wait for) anything but the npm registry.
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        start.Environment["npm_config_update_notifier"] = "false";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var timeLimit = limit ?? TimeSpan.FromMinutes(2);
        using var timeout = new CancellationTokenSource(timeLimit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeLimit.TotalSeconds} s; stderr: {await stderr}");
        }

        return new ToolRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The repository root (the folder with FapiHub.sln), found above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FapiHub.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FapiHub.sln not found above the test binaries.");
    }

    private static string Npm() => OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
}

internal sealed record ToolRun(int ExitCode, string StandardOutput, string StandardError)
{
    public string Describe() => $"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}
