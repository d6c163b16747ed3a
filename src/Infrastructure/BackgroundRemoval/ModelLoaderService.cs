using Microsoft.Extensions.Hosting;

namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>
/// Checks the execution provider and derives any missing recipe graph synchronously when the host starts (a wrong
/// provider or an impossible recipe stops start-up with a clear message), then loads the models in the background so
/// the process answers liveness probes at once. First of all, glibc is told to hand large blocks straight back.
/// </summary>
internal sealed class ModelLoaderService(OnnxSessionFactory factory, ModelGraphDeriver graphs, ModelSessions sessions) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        NativeHeap.ReturnLargeBlocksAtOnce();
        factory.EnsureProviderAvailable();
        graphs.EnsureDerived();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => sessions.LoadAllAsync(stoppingToken);
}
