namespace FapiHub.Infrastructure.BackgroundRemoval.Scheduling;

/// <summary>ONNX Runtime, scheduling and timeout settings (section <c>Inference</c>).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>Beyond about four threads one IS-Net run gains little; more cores are better spent on parallel runs.</summary>
    private const int ThreadsWorthGivingOneRun = 4;

    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>GPU ordinal for DirectML and CUDA.</summary>
    public int DeviceId { get; set; }

    /// <summary>Threads one inference may use; 0: the core count, up to 4.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Model runs at once; 0: the cores divided by <see cref="EffectiveIntraOpThreads"/> (1 on a 2-core box).</summary>
    public int MaxConcurrency { get; set; }

    /// <summary>
    /// Requests that may wait for a slot (each holds its decoded photo); beyond, 503 <c>server_busy</c> at once.
    /// The default keeps the longest wait near four run times per slot.
    /// </summary>
    public int MaxQueue { get; set; } = 4;

    /// <summary>
    /// Pixels of decoded photos that requests with a turn may hold together; 0 (the default): no limit beyond the
    /// number of turns. For memory-tight hosts: 16,000,000 makes two 12 MP photos take turns instead of overlapping,
    /// trading some throughput for a lower peak (measured in docs/performance.md). A photo larger than the budget
    /// still runs, alone.
    /// </summary>
    public long MaxDecodedPixels { get; set; }

    /// <summary>
    /// Hand ONNX Runtime's activation arena back to the OS after every run. Lowers the resting memory by the arena's
    /// size, but each run then allocates it afresh, which makes runs slower. For memory-tight hosts; off by default
    /// (figures in docs/performance.md).
    /// </summary>
    public bool ReleaseArenaAfterRun { get; set; }

    /// <summary>
    /// Longest a prediction may take, queueing included; beyond it the request answers 503 <c>timeout</c>, uncharged,
    /// and the model run is cancelled. The default is many times the longest run on a 25 MP photo, so reaching it means something is stuck.
    /// </summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Run each network once at start-up so the first client does not pay for arena allocation.</summary>
    public bool WarmUp { get; set; } = true;

    public int EffectiveIntraOpThreads =>
        IntraOpThreads > 0 ? IntraOpThreads : Math.Clamp(Environment.ProcessorCount, 1, ThreadsWorthGivingOneRun);

    public int EffectiveMaxConcurrency =>
        MaxConcurrency > 0 ? MaxConcurrency : Math.Max(1, Environment.ProcessorCount / EffectiveIntraOpThreads);

    public int EffectiveMaxQueue => Math.Max(0, MaxQueue);
}

public enum ExecutionProvider
{
    Cpu,
    DirectML,
    Cuda,
}
