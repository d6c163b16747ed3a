using System.Diagnostics.Metrics;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.BackgroundRemoval.Scheduling;

/// <summary>
/// One scheduler for the CPU, behind both ports (the admission story is on <see cref="IInferenceScheduler"/>): every
/// model runs on the same cores, so slots are shared by all of them rather than counted per model (two models "each
/// with one slot" would still run two inferences on two cores at once). Turns bound memory: a 12 MP photo is 48 MB
/// decoded (several times that in flight through aurora's refinement), a megabyte or two while still compressed.
/// </summary>
internal sealed class InferenceScheduler : IInferenceScheduler, IInferenceSlots, IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly TurnGate _turns;
    private readonly int _concurrency;
    private readonly int _capacity;
    private readonly TimeProvider _clock;
    private int _admitted;
    private int _workedSinceIdle;
    private long _lastLeft; // UTC ticks: when the last admitted request left
    private int _running;
    private double _averageRunSeconds = 2; // replaced by measurements after the first run

    public InferenceScheduler(IOptions<InferenceOptions> options, IMeterFactory meterFactory, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _clock = clock;
        var settings = options.Value;
        TimeoutSeconds = settings.TimeoutSeconds;
        _concurrency = settings.EffectiveMaxConcurrency;
        _capacity = _concurrency + settings.EffectiveMaxQueue;
        _slots = new SemaphoreSlim(_concurrency, _concurrency);
        _turns = new TurnGate(_concurrency + 1, settings.MaxDecodedPixels);

        // The gauges live with the counts they read (same meter as FapiHubMetrics, so they are exported with them).
        var meter = meterFactory.Create(FapiHubMetrics.MeterName);
        meter.CreateObservableGauge(
            "fapihub.inference.queue",
            () => Math.Max(0, Volatile.Read(ref _admitted) - Volatile.Read(ref _running)),
            "{request}",
            "Admitted requests not running a model: uploading, waiting for a turn or a slot, or being encoded.");
        meter.CreateObservableGauge(
            "fapihub.inference.admitted",
            () => Volatile.Read(ref _admitted),
            "{request}",
            "Requests inside, from the first byte of their upload until their answer is written (at most MaxConcurrency + MaxQueue).");
    }

    public int TimeoutSeconds { get; }

    /// <summary>
    /// A turn ended, with its photo's pixels: the request is done with its images. Raised on the thread that ended the
    /// turn; what to hand back, and when, is <see cref="MemoryHandBack"/>'s business.
    /// </summary>
    public event Action<long>? TurnEnded;

    public Result<IDisposable> TryAdmit()
    {
        var admitted = Interlocked.Increment(ref _admitted);
        if (admitted > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return Busy(admitted - 1);
        }

        return new Admission(this);
    }

    /// <summary>server_busy with the time until this request's turn would come: (queued + 1) runs per slot.</summary>
    private Error Busy(int inside)
    {
        var waiting = Math.Max(0, inside - _concurrency);
        var seconds = (int)Math.Ceiling(Volatile.Read(ref _averageRunSeconds) * (waiting + 1) / _concurrency);
        return DomainErrors.Inference.ServerBusy(Math.Max(1, seconds));
    }

    public async ValueTask<IDisposable> WaitForTurnAsync(long pixels, CancellationToken cancellationToken)
    {
        await _turns.EnterAsync(pixels, cancellationToken);
        Volatile.Write(ref _workedSinceIdle, 1);
        return new Turn(this, pixels);
    }

    /// <summary>
    /// True, once, when the server has been empty (nobody admitted) for <paramref name="quiet"/> after having done some
    /// work since the last time it said so: the moment to hand the memory of a burst back (<see cref="MemoryHandBack"/>).
    /// </summary>
    public bool TryClaimIdleAfterWork(TimeSpan quiet)
    {
        if (Volatile.Read(ref _admitted) > 0 || Volatile.Read(ref _workedSinceIdle) == 0
            || _clock.GetUtcNow().UtcTicks - Volatile.Read(ref _lastLeft) < quiet.Ticks)
        {
            return false;
        }

        return Interlocked.Exchange(ref _workedSinceIdle, 0) == 1;
    }

    public async ValueTask<IDisposable> AcquireSlotAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        Interlocked.Increment(ref _running);
        return new Slot(this);
    }

    /// <summary>An exponential moving average of model run times.</summary>
    public void RecordRun(TimeSpan elapsed)
    {
        var previous = Volatile.Read(ref _averageRunSeconds);
        Volatile.Write(ref _averageRunSeconds, (previous * 0.8) + (elapsed.TotalSeconds * 0.2));
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>A place among the requests inside, from the first byte of the upload until the answer is written.</summary>
    private sealed class Admission(InferenceScheduler scheduler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Volatile.Write(ref scheduler._lastLeft, scheduler._clock.GetUtcNow().UtcTicks);
                Interlocked.Decrement(ref scheduler._admitted);
            }
        }
    }

    private sealed class Turn(InferenceScheduler scheduler, long pixels) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                scheduler._turns.Release(pixels);
                scheduler.TurnEnded?.Invoke(pixels);
            }
        }
    }

    private sealed class Slot(InferenceScheduler scheduler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref scheduler._running);
                scheduler._slots.Release();
            }
        }
    }
}
