using System.Diagnostics.Metrics;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>
/// One scheduler for the CPU, behind both ports (the admission story is on <see cref="IInferenceScheduler"/>): every
/// model runs on the same cores, so slots are shared by all of them rather than counted per model (two models "each
/// with one slot" would still run two inferences on two cores at once). Turns bound memory: a 12 MP photo is 48 MB
/// decoded (several times that in flight through aurora's refinement), a megabyte or two while still compressed.
/// </summary>
internal sealed class InferenceScheduler : IInferenceScheduler, IInferenceSlots, IDisposable
{
    /// <summary>Photos of this many pixels or more (16 MB decoded) are followed by a full collection when their turn ends.</summary>
    internal const long LargePhotoPixels = 4_000_000;

    private readonly SemaphoreSlim _slots;
    private readonly TurnGate _turns;
    private readonly int _concurrency;
    private readonly int _capacity;
    private int _admitted;
    private int _running;
    private double _averageRunSeconds = 2; // replaced by measurements after the first run

    public InferenceScheduler(IOptions<InferenceOptions> options, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var settings = options.Value;
        TimeoutSeconds = settings.TimeoutSeconds;
        _concurrency = settings.EffectiveMaxConcurrency;
        _capacity = _concurrency + settings.EffectiveMaxQueue;
        _slots = new SemaphoreSlim(_concurrency, _concurrency);
        _turns = new TurnGate(_concurrency + 1, settings.MaxDecodedPixels);

        // The queue's gauge lives with the queue it reads (same meter as FapiHubMetrics, so it is exported with them).
        meterFactory.Create(FapiHubMetrics.MeterName).CreateObservableGauge(
            "fapihub.inference.queue",
            () => Math.Max(0, Volatile.Read(ref _admitted) - Volatile.Read(ref _running)),
            "{request}",
            "Requests waiting for an inference slot.");
    }

    public int TimeoutSeconds { get; }

    public Result<IInferenceAdmission> TryAdmit()
    {
        var admitted = Interlocked.Increment(ref _admitted);
        if (admitted > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return Busy(admitted - 1);
        }

        return new Admission(this);
    }

    public Error? RefusalIfFull()
    {
        var admitted = Volatile.Read(ref _admitted);
        return admitted >= _capacity ? Busy(admitted) : null;
    }

    /// <summary>server_busy with the time until this request's turn would come: (queued + 1) runs per slot.</summary>
    private Error Busy(int inside)
    {
        var waiting = Math.Max(0, inside - _concurrency);
        var seconds = (int)Math.Ceiling(Volatile.Read(ref _averageRunSeconds) * (waiting + 1) / _concurrency);
        return Errors.Inference.ServerBusy(Math.Max(1, seconds));
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

    private sealed class Admission(InferenceScheduler scheduler) : IInferenceAdmission
    {
        private int _disposed;
        private int _hasTurn;
        private long _pixels;

        public async ValueTask WaitForTurnAsync(long pixels, CancellationToken cancellationToken)
        {
            await scheduler._turns.EnterAsync(pixels, cancellationToken);
            _pixels = pixels;
            Volatile.Write(ref _hasTurn, 1);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                if (Interlocked.Exchange(ref _hasTurn, 0) == 1)
                {
                    scheduler._turns.Release(_pixels);

                    // The request is done with its images: hand their memory back, off the request's path.
                    ThreadPool.UnsafeQueueUserWorkItem(static pixels => HandBackMemory(pixels), _pixels, preferLocal: false);
                }

                Interlocked.Decrement(ref scheduler._admitted);
            }
        }
    }

    /// <summary>
    /// A large photo's buffers (the upload's copies, pool misses, the encoder's output) are large-object-heap garbage,
    /// which only a full collection reclaims; under a burst of such photos the collector otherwise lets it pile up for
    /// seconds (C=8 with 12 MP photos: ~100 MB, docs/performance.md). A blocking collection of a heap that holds few
    /// objects takes milliseconds. Then glibc is asked for the native heap that decoding, resizing and encoding freed
    /// (it keeps it per thread arena otherwise).
    /// </summary>
    private static void HandBackMemory(long pixels)
    {
        if (pixels >= LargePhotoPixels)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        }

        NativeHeap.Trim();
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
