namespace FapiHub.ModelBuilder.Quantization;

/// <summary>
/// The distribution of one activation tensor over a calibration set, in a fixed amount of memory and one pass: two
/// fixed-count histograms, one for the values ≥ 0 and one for −x of the values &lt; 0, each covering
/// [0, <c>BinWidth</c> · <c>BinCount</c>). When a value beyond the range arrives, the bin width doubles and adjacent
/// pairs of bins merge, so every bin edge stays a power-of-two multiple of the first width and no count is ever
/// split or guessed: merging loses resolution, never mass. Sorting the values instead would need every element of
/// every image in memory (hundreds of MB per tensor at 1024²).
/// </summary>
public sealed class ActivationHistogram
{
    /// <summary>Bins per side. 2048 is TensorRT's and ONNX Runtime's choice: fine enough for a 256-level quantiser.</summary>
    public const int DefaultBinCount = 2048;

    private readonly Side _positive;
    private readonly Side _negative;

    public ActivationHistogram(int binCount = DefaultBinCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 8);
        if ((binCount & 1) != 0)
        {
            throw new ArgumentException("The bin count must be even (pairs of bins merge when the range doubles).", nameof(binCount));
        }

        BinCount = binCount;
        _positive = new Side(binCount);
        _negative = new Side(binCount);
    }

    public int BinCount { get; }

    /// <summary>Every value seen (NaN excluded).</summary>
    public long Count => _positive.Total + _negative.Total;

    /// <summary>The smallest value seen (0 when none was negative).</summary>
    public double Min => -_negative.Largest;

    /// <summary>The largest value seen (0 when none was positive).</summary>
    public double Max => _positive.Largest;

    public void Add(ReadOnlySpan<float> values)
    {
        // The range grows once per batch, from the batch's extremes, so the doubling loop runs outside the hot loop.
        float high = 0f, low = 0f;
        foreach (var v in values)
        {
            if (v > high)
            {
                high = v;
            }
            else if (v < low)
            {
                low = v;
            }
        }

        _positive.Cover(high);
        _negative.Cover(-low);
        foreach (var v in values)
        {
            if (v >= 0f)
            {
                _positive.Add(v);
            }
            else if (v < 0f)
            {
                _negative.Add(-v);
            }
        }
    }

    /// <summary>
    /// The range that clips a fraction (1 − <paramref name="percentile"/>/100) of all values at each end: the largest
    /// bin edge with at most that many values above it, and the mirror image for the negative side. A side holding
    /// fewer values than that clips to 0.
    /// </summary>
    public (double Min, double Max) PercentileRange(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percentile, 50d);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100d);
        var tail = (long)Math.Floor(Count * (1d - (percentile / 100d)));
        return (-_negative.TailEdge(tail), _positive.TailEdge(tail));
    }

    /// <summary>
    /// The range whose uint8 quantiser (256 levels over [min, max], 0 exactly representable) has the least expected
    /// squared error over the histogram: values inside round with error step²/12, values beyond are clipped. Each
    /// side's edge is chosen among the bin edges with the other side fixed at its full extent; one refinement pass
    /// then re-chooses the first side against the second's choice.
    /// </summary>
    public (double Min, double Max) MseRange(int levels = 256)
    {
        var max = _positive.Largest;
        var min = _negative.Largest;
        for (var pass = 0; pass < 2; pass++)
        {
            max = _positive.BestEdge(_negative, min, levels);
            min = _negative.BestEdge(_positive, max, levels);
        }

        return (-min, max);
    }

    /// <summary>One side's counts: bin i holds values in [i·w, (i+1)·w).</summary>
    private sealed class Side(int binCount)
    {
        private readonly long[] _bins = new long[binCount];

        public double Width { get; private set; }

        public long Total { get; private set; }

        public double Largest { get; private set; }

        public void Cover(float value)
        {
            if (!(value > 0f))
            {
                return;
            }

            Largest = Math.Max(Largest, value);
            if (Width == 0d)
            {
                // The first width is the power of two that just fits the first batch: edges are exact in binary.
                Width = Math.Pow(2d, Math.Ceiling(Math.Log2(value / binCount)));
                while (value >= Width * binCount)
                {
                    Width *= 2d;
                }

                return;
            }

            while (value >= Width * binCount)
            {
                for (var i = 0; i < binCount / 2; i++)
                {
                    _bins[i] = _bins[2 * i] + _bins[(2 * i) + 1];
                }

                Array.Clear(_bins, binCount / 2, binCount / 2);
                Width *= 2d;
            }
        }

        public void Add(float value)
        {
            Total++;
            if (Width == 0d)
            {
                // Only zeros so far: they belong to the first bin whatever width it gets.
                _bins[0]++;
                return;
            }

            _bins[Math.Min((int)(value / Width), binCount - 1)]++;
        }

        /// <summary>The smallest bin edge with at most <paramref name="tail"/> values at or above it.</summary>
        public double TailEdge(long tail)
        {
            if (Total <= tail || Width == 0d)
            {
                return 0d;
            }

            long above = 0;
            for (var i = binCount - 1; i >= 0; i--)
            {
                if (above + _bins[i] > tail)
                {
                    // Bin i cannot be clipped whole: its upper edge is the threshold, never beyond the largest value.
                    return Math.Min((i + 1) * Width, Largest);
                }

                above += _bins[i];
            }

            return 0d;
        }

        /// <summary>The bin edge t on this side minimising the squared error with the other side's edge fixed.</summary>
        public double BestEdge(Side other, double otherEdge, int levels)
        {
            if (Width == 0d)
            {
                return 0d;
            }

            var best = Largest;
            var bestError = double.MaxValue;
            var last = Math.Min(binCount, (int)Math.Ceiling(Largest / Width));
            for (var edge = 1; edge <= last; edge++)
            {
                var t = Math.Min(edge * Width, Largest);
                var step = (t + otherEdge) / (levels - 1);
                var error = Error(t, step) + other.Error(otherEdge, step);
                if (error < bestError)
                {
                    bestError = error;
                    best = t;
                }
            }

            return best;
        }

        /// <summary>Expected squared error of this side's values quantised with <paramref name="step"/> and clipped at <paramref name="edge"/>.</summary>
        private double Error(double edge, double step)
        {
            var rounding = step * step / 12d;
            var error = 0d;
            for (var i = 0; i < binCount; i++)
            {
                if (_bins[i] == 0)
                {
                    continue;
                }

                // Bin centres stand for their values (the last bin's centre is capped at the largest value).
                var centre = Math.Min((i + 0.5d) * Width, Largest);
                error += centre > edge ? _bins[i] * (centre - edge) * (centre - edge) : _bins[i] * rounding;
            }

            return error;
        }
    }
}
