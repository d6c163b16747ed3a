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
/// Gives a burst's memory back once the server has been empty for <see cref="Quiet"/>: ONNX Runtime's activation arena
/// (~0.3 GB after one 1024² run; kept between runs under load, because growing it again costs every run), the arrays
/// the large-array pools keep for the next request, the large-object heap that uploads, form buffers and encoders
/// left behind (a full, compacting collection that decommits what it frees), and glibc's free heap. An idle server then rests near its ready level again instead of at
/// its peak, however many floods came before (docs/reliability.md, "Memory").
/// </summary>
internal sealed partial class MemoryHandBack(
    InferenceScheduler scheduler,
    ModelSessions sessions,
    IOptions<InferenceOptions> options,
    TimeProvider clock,
    ILogger<MemoryHandBack> logger)
    : BackgroundService
{
    /// <summary>Long enough that a steady trickle of requests never pays for a regrown arena; short against "a minute".</summary>
    internal static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (scheduler.TryClaimIdleAfterWork(Quiet))
            {
                await HandBackAsync(stoppingToken);
            }
        }
    }

    internal async Task HandBackAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var before = Environment.WorkingSet;
        if (!options.Value.ReleaseArenaAfterRun)
        {
            // A slot, so no request's run is using the arena; one arriving meanwhile waits for this one short run.
            using (await scheduler.AcquireSlotAsync(cancellationToken))
            {
                await Task.Run(sessions.ReleaseArena, cancellationToken);
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
