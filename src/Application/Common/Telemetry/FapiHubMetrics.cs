using System.Diagnostics.Metrics;

namespace FapiHub.Application.Common.Telemetry;

/// <summary>
/// The service's own metrics (meter <c>FapiHub</c>), next to ASP.NET Core's request metrics. Exported in Prometheus
/// text at <c>/metrics</c>: dots become underscores and counters get <c>_total</c>, e.g. <c>fapihub_charges_total</c>.
/// </summary>
public sealed class FapiHubMetrics
{
    public const string MeterName = "FapiHub";

    private readonly Counter<long> _charges;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _rateLimitRefusals;
    private readonly Counter<long> _orphanedSettlements;
    private readonly Histogram<double> _inference;

    public FapiHubMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _charges = meter.CreateCounter<long>("fapihub.charges", "{image}", "Images charged (quota units or credits), by plan kind.");
        _errors = meter.CreateCounter<long>("fapihub.errors", "{response}", "Error answers, by error code (invalid_image, rate_limit_exceeded, server_busy, …).");
        _rateLimitRefusals = meter.CreateCounter<long>("fapihub.rate_limit.refusals", "{request}", "Requests refused by a per-minute limit or a used-up monthly quota.");
        _orphanedSettlements = meter.CreateCounter<long>(
            "fapihub.settlements.orphaned",
            "{image}",
            "Commits that found their hold gone because the account store lost its data (restarted empty, flushed); charged anyway. Any is an error.");
        _inference = meter.CreateHistogram<double>(
            "fapihub.inference.duration",
            "s",
            "Model time per image (ONNX Runtime run), by model.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13, 21] });

        // fapihub.inference.queue is registered by the inference scheduler, which owns the queue it reads.
    }

    public void Charged(bool credits) => _charges.Add(1, new KeyValuePair<string, object?>("kind", credits ? "credit" : "quota"));

    public void Error(string code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code));

    public void SettlementOrphaned() => _orphanedSettlements.Add(1);

    public void RateLimited(string reason) => _rateLimitRefusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Inference(string model, TimeSpan elapsed) =>
        _inference.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));
}
