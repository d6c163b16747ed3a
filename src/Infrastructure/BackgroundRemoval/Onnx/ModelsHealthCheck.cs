using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>Readiness: healthy once every configured model is loaded and warmed.</summary>
internal sealed class ModelsHealthCheck(ModelSessions sessions) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            sessions.IsReady ? HealthCheckResult.Healthy("Models loaded.")
            : sessions.Failure is { } failure ? HealthCheckResult.Unhealthy("Loading the models failed.", failure)
            : HealthCheckResult.Unhealthy("Models are loading."));
}
