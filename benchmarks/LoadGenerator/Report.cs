using System.Globalization;
using System.Net;

namespace FapiHub.LoadGenerator;

internal static class Report
{
    public static void Print(
        LoadOptions options,
        List<Sample> results,
        double wallSeconds,
        double? rawMedianMs,
        double? referenceMedianMs,
        MemorySampler? memory)
    {
        var c = CultureInfo.InvariantCulture;
        var ok = results.Where(r => r.Status == HttpStatusCode.OK).Select(r => r.Ms).Order().ToList();
        var busy = results.Where(r => r.Status == HttpStatusCode.ServiceUnavailable).Select(r => r.Ms).Order().ToList();
        var inference = results.Where(r => r.InferenceMs is not null).Select(r => r.InferenceMs!.Value).Order().ToList();

        Console.WriteLine(string.Create(c, $"{options.Path} at concurrency {options.Concurrency}, {results.Count} requests of {Path.GetFileName(options.Image)}: {wallSeconds:F1} s"));
        Console.WriteLine("statuses: " + string.Join(", ", results.GroupBy(r => (int)r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} × {g.Count()}")));
        if (ok.Count > 0)
        {
            var throughput = ok.Count / wallSeconds;
            Console.WriteLine(string.Create(c, $"200 latency ms: p50 {Percentile(ok, 50):F0}, p95 {Percentile(ok, 95):F0}, p99 {Percentile(ok, 99):F0}, max {ok[^1]:F0}"));
            Console.WriteLine(string.Create(c, $"throughput: {throughput:F3} images/s"));
            if (inference.Count > 0)
            {
                Console.WriteLine(string.Create(c, $"X-Inference-Ms: p50 {Percentile(inference, 50):F0}"));
            }

            if (rawMedianMs is { } raw)
            {
                Console.WriteLine(string.Create(c, $"ratios to raw session.Run ({raw:F0} ms): p50 latency {Percentile(ok, 50) / raw:F2}x, p99 latency {Percentile(ok, 99) / raw:F2}x, throughput {throughput * raw / 1000:F2}x of 1/raw"));
            }

            if (referenceMedianMs is { } reference)
            {
                var model = inference.Count > 0 ? string.Create(c, $"model time (X-Inference-Ms p50) {Percentile(inference, 50) / reference:F2}x, ") : string.Empty;
                Console.WriteLine(string.Create(c, $"ratios to the reference ({reference:F0} ms): {model}p50 latency {Percentile(ok, 50) / reference:F2}x, throughput {throughput * reference / 1000:F2}x of 1/reference"));
            }
        }

        if (busy.Count > 0)
        {
            Console.WriteLine(string.Create(c, $"503 latency ms: p50 {Percentile(busy, 50):F1}, p99 {Percentile(busy, 99):F1}, max {busy[^1]:F1}"));

            // The server's own view (X-Processing-Ms, arrival to first byte) separates its time from the client's and
            // the kernel's on a machine where the load generator shares the cores.
            var busyServer = results.Where(r => r.Status == HttpStatusCode.ServiceUnavailable && r.ServerMs is not null).Select(r => r.ServerMs!.Value).Order().ToList();
            if (busyServer.Count > 0)
            {
                Console.WriteLine(string.Create(c, $"503 X-Processing-Ms: p50 {Percentile(busyServer, 50):F0}, p99 {Percentile(busyServer, 99):F0}, max {busyServer[^1]:F0}"));
            }
        }

        var otherErrors = results.Count(r => (int)r.Status >= 500 && r.Status != HttpStatusCode.ServiceUnavailable);
        Console.WriteLine($"5xx other than 503: {otherErrors}");
        if (memory is not null)
        {
            Console.WriteLine(string.Create(c, $"server RSS MB: start {memory.StartMegabytes:F0}, peak during run {memory.PeakMegabytes:F0}, end {memory.EndMegabytes:F0}, lifetime peak (VmHWM) {memory.LifetimePeakMegabytes:F0}"));
        }
    }

    private static double Percentile(List<double> sorted, int percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>One response: status, client-side latency and the server's timing headers when present.</summary>
internal readonly record struct Sample(HttpStatusCode Status, double Ms, double? InferenceMs, double? ServerMs);
