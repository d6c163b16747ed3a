using System.Globalization;

namespace FapiHub.LoadGenerator;

/// <summary>Samples a process's resident memory from /proc every 100 ms (Linux).</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly int _pid;
    private readonly Timer _timer;
    private readonly object _gate = new();

    public MemorySampler(int pid)
    {
        _pid = pid;
        StartMegabytes = ReadMegabytes("VmRSS");
        PeakMegabytes = StartMegabytes;
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    public double StartMegabytes { get; }

    public double PeakMegabytes { get; private set; }

    public double EndMegabytes => ReadMegabytes("VmRSS");

    /// <summary>The kernel's own high-water mark for the whole process lifetime.</summary>
    public double LifetimePeakMegabytes => ReadMegabytes("VmHWM");

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var now = ReadMegabytes("VmRSS");
        lock (_gate)
        {
            PeakMegabytes = Math.Max(PeakMegabytes, now);
        }
    }

    private double ReadMegabytes(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kb = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                    return kb / 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return double.NaN;
    }
}
