using Microsoft.Extensions.Hosting;

namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>
/// Checks the execution provider synchronously when the host starts (a wrong provider stops start-up with a clear
/// message), then loads the models in the background so the process answers liveness probes at once.
/// </summary>
internal sealed class ModelLoaderService(OnnxSessionFactory factory, ModelSessions sessions) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        factory.EnsureProviderAvailable();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => sessions.LoadAllAsync(stoppingToken);
}
