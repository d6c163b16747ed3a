namespace FapiHub.Application.Common.Startup;

/// <summary>
/// A check the entry point runs after the host is built and before it starts: a failure stops the process with exit
/// code 1 and one logged error naming the setting, instead of an unhandled exception or a server that fails later.
/// </summary>
public interface IStartupCheck
{
    /// <summary>
    /// Checks of one stage run only when every earlier stage passed: settings (0) before anything that reads a store
    /// (1), which needs valid settings to connect.
    /// </summary>
    int Stage => 0;

    /// <summary>Every problem found, each a sentence naming the configuration key; empty when all is well.</summary>
    ValueTask<IReadOnlyList<string>> FailuresAsync(CancellationToken cancellationToken);
}
