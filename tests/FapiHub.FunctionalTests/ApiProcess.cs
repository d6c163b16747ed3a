using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace FapiHub.FunctionalTests;

/// <summary>
/// The built app as an operator runs it: <c>dotnet FapiHub.Api.dll</c> from src/Api's own build output, in its own
/// process, on a free loopback port. Everything it writes is kept, so a test can read its log and its exit code.
/// </summary>
public sealed partial class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _drained;

    private ApiProcess(Process process)
    {
        _process = process;
        _drained = Task.WhenAll(Drain(process.StandardOutput), Drain(process.StandardError));
    }

    /// <summary>Everything the app has written to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the app in Production with warm-up off, plus <paramref name="environment"/>.</summary>
    public static ApiProcess Start(string? workingDirectory = null, params (string Key, string Value)[] environment)
    {
        var output = OutputFolder();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? output,
        };
        start.ArgumentList.Add(Path.Combine(output, "FapiHub.Api.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Inference__WarmUp"] = "false";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ApiProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet"));
    }

    /// <summary>src/Api's own build output for this configuration (Debug or Release, as the tests were built).</summary>
    public static string OutputFolder()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // …/bin/Debug/net10.0
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "FapiHub.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var output = Path.Combine(root.FullName, "src", "Api", "bin", configuration, framework);
        Assert.True(File.Exists(Path.Combine(output, "FapiHub.Api.dll")), $"build src/Api first: no {output}/FapiHub.Api.dll");
        return output;
    }

    /// <summary>The address from Kestrel's "Now listening on" line: the host has started (every hosted service's start-up work is done).</summary>
    public async Task<HttpClient> ClientAsync(TimeSpan limit)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_address.Task, exited, Task.Delay(limit));
        if (first != _address.Task)
        {
            throw new TimeoutException(
                $"the app did not report its address within {limit.TotalSeconds} s{(first == exited ? $" (it exited with {_process.ExitCode})" : "")}; output:\n{Output}");
        }

        return new HttpClient { BaseAddress = new Uri(await _address.Task), Timeout = limit };
    }

    /// <summary>The exit code, once the app has stopped by itself within <paramref name="limit"/>.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the app was still running after {limit.TotalSeconds} s; output:\n{Output}");
        }

        await _drained;
        return _process.ExitCode;
    }

    /// <summary>Whether the process is still running.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Asks the app to stop as an orchestrator does (SIGTERM): it drains the requests in flight, then exits.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Kills the app at once (SIGKILL, as <c>kill -9</c>): requests in flight are cut off, nothing is settled.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        await _drained;
        _process.Dispose();
    }

    private async Task Drain(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                _address.TrySetResult(match.Groups[1].Value);
            }
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
