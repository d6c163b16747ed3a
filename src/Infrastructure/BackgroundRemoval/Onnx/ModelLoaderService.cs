using FapiHub.Infrastructure.BackgroundRemoval.Memory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>
/// Checks the execution provider, verifies the served model files against models/manifest.json (re-deriving a damaged
/// graph) and derives any missing recipe graph synchronously when the host starts: a wrong provider, a damaged download
/// or an impossible recipe stops start-up with a clear message (<see cref="ModelStartupException"/>). Then it loads the
/// models in the background so the process answers liveness probes at once; if loading fails the process stops with
/// exit code 1 rather than staying unready. First of all, glibc is told to hand large blocks straight back.
/// </summary>
internal sealed partial class ModelLoaderService(
    OnnxSessionFactory factory,
    ModelFileVerifier files,
    ModelGraphDeriver graphs,
    ModelSessions sessions,
    IHostApplicationLifetime lifetime,
    ILogger<ModelLoaderService> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        NativeHeap.ReturnLargeBlocksAtOnce();
        try
        {
            factory.EnsureProviderAvailable();
            files.EnsureIntact();
            graphs.EnsureDerived();
        }
        catch (InvalidOperationException ex)
        {
            LogRefused(ex.Message);
            throw new ModelStartupException(ex.Message, ex);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await sessions.LoadAllAsync(stoppingToken);
        if (sessions.Failure is not null)
        {
            // A process that stays up unready forever looks alive to a supervisor; one that exits gets restarted and
            // its log read. ModelSessions has logged why.
            LogStopping();
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Start-up refused: {Reason}")]
    private partial void LogRefused(string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A model could not be loaded; stopping with exit code 1")]
    private partial void LogStopping();
}

/// <summary>The models cannot be served as configured; the message says why and how to fix it, and has been logged.</summary>
public sealed class ModelStartupException : Exception
{
    public ModelStartupException()
    {
    }

    public ModelStartupException(string message)
        : base(message)
    {
    }

    public ModelStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
