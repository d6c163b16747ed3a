using FapiHub.ModelBuilder.Quantization;

namespace FapiHub.ModelBuilder.Tests.Quantization;

public sealed class ActivationHistogramTests
{
    [Fact]
    public void PercentileRange_WhenValuesAreTheIntegersBelow10000_ShouldClipTheTopHundredthAtABinEdge()
    {
        // 0…9999 in 2048 bins: the width is the power of two 8. 1 % is 100 values: the 96 at or above 9904 can go,
        // the bin [9896, 9904) cannot go whole (104 > 100), so its upper edge is the threshold.
        var histogram = new ActivationHistogram();
        histogram.Add([.. Enumerable.Range(0, 10_000).Select(i => (float)i)]);

        var (min, max) = histogram.PercentileRange(99);

        Assert.Equal(0d, min);
        Assert.Equal(9904d, max);
        Assert.Equal(10_000, histogram.Count);
    }

    [Fact]
    public void PercentileRange_WhenBothSignsOccur_ShouldClipEachTailSeparately()
    {
        // −1000…−1 and 0…999: 2000 values, 0.5 % = 10 clipped at each end. Both sides get the width 0.5 (the power of
        // two with 2048 bins covering 1000), so each integer has its own bin and the threshold is the upper edge of
        // the first bin that must stay: 989.5 clips 990…999, −990.5 clips −1000…−991.
        var histogram = new ActivationHistogram();
        histogram.Add([.. Enumerable.Range(-1000, 2000).Select(i => (float)i)]);

        var (min, max) = histogram.PercentileRange(99.5);

        Assert.Equal(-990.5d, min);
        Assert.Equal(989.5d, max);
        Assert.Equal(-1000d, histogram.Min);
        Assert.Equal(999d, histogram.Max);
    }

    [Fact]
    public void PercentileRange_WhenANegativeTailIsSmallerThanTheClip_ShouldClipItToZero()
    {
        var histogram = new ActivationHistogram();
        histogram.Add([.. Enumerable.Range(0, 10_000).Select(i => (float)i), -5f]);

        Assert.Equal(0d, histogram.PercentileRange(99.9).Min);
    }

    [Fact]
    public void Add_WhenTheRangeGrowsInLaterBatches_ShouldCountLikeOneBatch()
    {
        // Doubling the width merges bin pairs exactly, so batch order cannot change any threshold.
        var values = Enumerable.Range(0, 50_000).Select(i => (float)Math.Pow(i / 1000d, 3)).ToArray();
        var once = new ActivationHistogram();
        once.Add(values);
        var grown = new ActivationHistogram();
        foreach (var chunk in values.Chunk(997))
        {
            grown.Add(chunk);
        }

        foreach (var percentile in new[] { 99d, 99.9, 99.99, 100 })
        {
            Assert.Equal(once.PercentileRange(percentile), grown.PercentileRange(percentile));
        }

        Assert.Equal(once.MseRange(), grown.MseRange());
    }

    [Fact]
    public void MseRange_WhenOneOutlierSitsFarBeyondTheRest_ShouldClipAtTheKnownOptimum()
    {
        // Two million values uniform in [0, 1) and one at 100. A range [0, t] costs the outlier (100 − t)² and every
        // other value the rounding error (t/255)²/12, so the total is (100 − t)² + N·t²/780 300, least at
        // t = 100 / (1 + N/780 300) = 28.07 for N = 2·10⁶: on the 1/16 bin grid, 28.0625. Min/max would keep 100.
        var values = Enumerable.Range(0, 2_000_000).Select(i => i / 2_000_000f).Append(100f).ToArray();
        var histogram = new ActivationHistogram();
        histogram.Add(values);

        var (min, max) = histogram.MseRange();

        Assert.Equal(0d, min);
        Assert.Equal(28.0625, max, 1e-9);
        Assert.Equal(100d, histogram.Max);
    }

    [Fact]
    public void MseRange_WhenValuesAreUniform_ShouldKeepNearlyTheWholeRange()
    {
        var histogram = new ActivationHistogram();
        histogram.Add([.. Enumerable.Range(0, 100_000).Select(i => i / 1000f)]);

        Assert.InRange(histogram.MseRange().Max, 99.5, 100);
    }
}
