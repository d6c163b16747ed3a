using System.Diagnostics;
using System.Runtime;
using FapiHub.Domain.Common;
using FapiHub.Infrastructure.BackgroundRemoval.Onnx;
using FapiHub.Infrastructure.BackgroundRemoval.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.BackgroundRemoval.Memory;

/// <summary>
/// The one place that gives memory back to the system. The scheduler only reports when a turn ended
/// (<see cref="InferenceScheduler.TurnEnded"/>, wired where the scheduler is registered) and whether the server has
/// gone idle after work (<see cref="InferenceScheduler.TryClaimIdleAfterWork"/>); what to hand back, and how, is
/// decided here:
/// <list type="bullet">
/// <item>After every turn (<see cref="AfterTurn"/>), off the request's path: a full collection after a large photo, then
/// glibc's free heap.</item>
/// <item>Once the server has been empty for <see cref="Quiet"/> after a burst (<see cref="HandBackWhenIdleAsync"/>):
/// ONNX Runtime's activation arena (~0.3 GB after one 1024² run; kept between runs under load, because growing it again
/// costs every run), the arrays the large-array pools keep for the next request, the large-object heap that uploads,
/// form buffers and encoders left behind (a full, compacting collection that decommits what it frees), and glibc's free
/// heap. An idle server then rests near its ready level again instead of at its peak, however many floods came before
/// (docs/reliability.md, "Memory").</item>
/// </list>
/// </summary>
internal sealed partial class MemoryHandBack : BackgroundService
{
    /// <summary>Photos of this many pixels or more (16 MB decoded) are followed by a full collection when their turn ends.</summary>
    internal const long LargePhotoPixels = 4_000_000;

    /// <summary>Long enough that a steady trickle of requests never pays for a regrown arena; short against "a minute".</summary>
    internal static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    private readonly InferenceScheduler _scheduler;
    private readonly ModelSessions _sessions;
    private readonly IOptions<InferenceOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<MemoryHandBack> _logger;

    public MemoryHandBack(
        InferenceScheduler scheduler,
        ModelSessions sessions,
        IOptions<InferenceOptions> options,
        TimeProvider clock,
        ILogger<MemoryHandBack> logger)
    {
        _scheduler = scheduler;
        _sessions = sessions;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>
    /// The request is done with its images: hand their memory back, off the request's path. A large photo's buffers
    /// (the upload's copies, pool misses, the encoder's output) are large-object-heap garbage, which only a full
    /// collection reclaims; under a burst of such photos the collector otherwise lets it pile up for seconds (C=8 with
    /// 12 MP photos: ~100 MB, docs/performance.md). A blocking collection of a heap that holds few objects takes
    /// milliseconds. Then glibc is asked for the native heap that decoding, resizing and encoding freed (it keeps it per
    /// thread arena otherwise).
    /// </summary>
    internal static void AfterTurn(long pixels) =>
        ThreadPool.UnsafeQueueUserWorkItem(static pixels => HandBackAfterTurn(pixels), pixels, preferLocal: false);

    private static void HandBackAfterTurn(long pixels)
    {
        if (pixels >= LargePhotoPixels)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        }

        NativeHeap.Trim();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (_scheduler.TryClaimIdleAfterWork(Quiet))
            {
                await HandBackWhenIdleAsync(stoppingToken);
            }
        }
    }

    internal async Task HandBackWhenIdleAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var before = Environment.WorkingSet;
        if (!_options.Value.ReleaseArenaAfterRun)
        {
            // A slot, so no request's run is using the arena; one arriving meanwhile waits for this one short run.
            using (await _scheduler.AcquireSlotAsync(cancellationToken))
            {
                await Task.Run(_sessions.ReleaseArena, cancellationToken);
            }
        }

        LargeArrayPools.EmptyAll();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogHandedBack(before / (1024 * 1024), Environment.WorkingSet / (1024 * 1024), elapsedMs);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Idle after load: memory handed back, working set {BeforeMb} -> {AfterMb} MB in {ElapsedMs:F0} ms")]
    private partial void LogHandedBack(long beforeMb, long afterMb, double elapsedMs);
}
