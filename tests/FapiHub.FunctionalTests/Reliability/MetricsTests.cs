using FapiHub.Tests.Shared;
using SkiaSharp;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// What /metrics shows, in a collection of its own that runs after the others, alone: beside dozens of other test hosts
/// in the same process (OpenTelemetry's meter providers pick meters by name), a scrape now and then came back holding
/// only <c>target_info</c>. One host per process, as in production, is what this measures.
/// </summary>
[Collection(Name)]
public sealed class MetricsTests : ReliabilityHostTests
{
    public const string Name = "Metrics (alone)";

    private static readonly byte[] Png = TestImages.Encode(24, 16, (_, y) => y < 8 ? SKColors.Navy : SKColors.Salmon);

    [Fact]
    public async Task Metrics_WhenScraped_ShouldExposeRequestsErrorsChargesAndRefusalsThatMove()
    {
        var host = Host(("Plans:tiny:MonthlyQuota", "1000"), ("Plans:tiny:PerMinute", "1"));
        using var paying = await PayingClient(host);
        var (_, tinyKey) = await host.CreateKeyAsync("tiny");
        using var tiny = host.Client(tinyKey);
        using var anonymous = host.Client();
        var before = await anonymous.GetStringAsync("/metrics");

        (await paying.PostAsync("/v2/rembg/", Http.Form(Png))).Dispose();
        (await paying.PostAsync("/v2/rembg/", Http.Form("nope"u8.ToArray()))).Dispose();
        (await tiny.PostAsync("/v2/rembg/", Http.Form(Png))).Dispose();
        (await tiny.PostAsync("/v2/rembg/", Http.Form(Png))).Dispose(); // over 1 per minute
        var after = await anonymous.GetStringAsync("/metrics");

        Assert.Contains("http_server_request_duration_seconds_count{", after, StringComparison.Ordinal);
        Assert.Contains("http_route=\"v2/rembg\"", after, StringComparison.Ordinal);
        Assert.Contains("fapihub_inference_queue", after, StringComparison.Ordinal);
        Assert.True(Counter(after, "fapihub_charges_total", "kind=\"credit\"") > Counter(before, "fapihub_charges_total", "kind=\"credit\""));
        Assert.True(Counter(after, "fapihub_errors_total", "code=\"invalid_image\"") > Counter(before, "fapihub_errors_total", "code=\"invalid_image\""));
        Assert.True(Counter(after, "fapihub_rate_limit_refusals_total", "reason=\"per_minute\"") > Counter(before, "fapihub_rate_limit_refusals_total", "reason=\"per_minute\""));
    }

    /// <summary>Sum of a Prometheus counter's samples whose labels contain <paramref name="label"/> (0 when absent).</summary>
    private static double Counter(string scrape, string name, string label) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains(label, StringComparison.Ordinal))
            .Sum(line => double.Parse(
                line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0],
                System.Globalization.CultureInfo.InvariantCulture));
}

[CollectionDefinition(MetricsTests.Name, DisableParallelization = true)]
public sealed class MetricsAlone;
