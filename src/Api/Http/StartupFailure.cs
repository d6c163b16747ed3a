using System.Reflection;

namespace FapiHub.Api.Http;

/// <summary>
/// How the process ends when its configuration is refused: one error naming every refused setting, exit code 1, no
/// stack trace (an operator's typo is not a crash).
/// </summary>
internal static partial class StartupFailure
{
    public const int ExitCode = 1;

    /// <summary>
    /// Whether this app is the process (<c>dotnet FapiHub.Api.dll</c>), which a refusal ends with an exit code. Hosted
    /// in another process (a test's WebApplicationFactory) the refusal is thrown instead: the host reports it to its caller.
    /// </summary>
    public static bool EndsTheProcess { get; } = Assembly.GetEntryAssembly() == typeof(StartupFailure).Assembly;

    public static async Task<int> ReportAsync(WebApplication app, IReadOnlyList<string> failures)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FapiHub.Startup");
        var lines = Lines(failures);
        LogRefused(logger, failures.Count, lines);
        if (!EndsTheProcess)
        {
            throw new InvalidOperationException($"FapiHub did not start: {failures.Count} setting(s) refused:{lines}");
        }

        await app.DisposeAsync(); // flushes the console logger before the process ends
        return ExitCode;
    }

    /// <summary>Before the host is built there is no logger yet.</summary>
    public static int Report(IReadOnlyList<string> failures)
    {
        Console.Error.WriteLine($"fail: FapiHub.Startup: FapiHub did not start: {failures.Count} setting(s) refused:{Lines(failures)}");
        return ExitCode;
    }

    private static string Lines(IReadOnlyList<string> failures) =>
        string.Concat(failures.Select(failure => Environment.NewLine + "  - " + failure));

    [LoggerMessage(Level = LogLevel.Critical, Message = "FapiHub did not start: {Count} setting(s) refused:{Failures}")]
    private static partial void LogRefused(ILogger logger, int count, string failures);
}
