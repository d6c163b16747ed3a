using System.Diagnostics;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>Runs one of the samples in <c>samples/</c> (copied next to the tests by the project file) as a child process.</summary>
internal static class SampleRunner
{
    // Generous: the suite shares two cores with ONNX inference and, at times, other engineers' benchmarks.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static async Task<SampleRun> RunAsync(string sample, string baseUrl, string apiKey, string image, string output)
    {
        var samples = Path.Combine(AppContext.BaseDirectory, "samples");
        var (program, script) = sample switch
        {
            "curl" => ("bash", Path.Combine(samples, "curl", "remove-background.sh")),
            "python" => (Python(), Path.Combine(samples, "python", "remove_background.py")),
            "javascript" => ("node", Path.Combine(samples, "javascript", "remove-background.mjs")),
            "typescript" => ("node", Path.Combine(TypeScriptSampleBuild.Folder, "dist", "remove-background.js")), // built by TypeScriptSampleBuild
            _ => throw new ArgumentOutOfRangeException(nameof(sample), sample, "no such sample"),
        };

        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(output)!,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(image);
        start.ArgumentList.Add(output);

        // The samples read the server and the key from the environment, as the samples' README tells users to.
        start.Environment["BASE_URL"] = baseUrl;
        start.Environment["API_KEY"] = apiKey;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the {sample} sample did not finish within {Limit.TotalSeconds} s; stderr: {await stderr}");
        }

        return new SampleRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Debian's interpreter first: that is where python3-requests (installed by .ci/run) is importable; a python3
    /// earlier on the PATH (pyenv, a virtualenv) may not have requests, and PyPI is not reachable to add it.
    /// </summary>
    private static string Python() => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

internal sealed record SampleRun(int ExitCode, string StandardOutput, string StandardError)
{
    public string Describe() => $"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}
