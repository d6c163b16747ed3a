namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>ONNX Runtime settings (section <c>Inference</c>).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>GPU ordinal for DirectML and CUDA.</summary>
    public int DeviceId { get; set; }

    /// <summary>Threads one inference may use; 0 lets ONNX Runtime pick (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Inferences that may run at once. One inference already spreads over every core, so running two at once
    /// on a CPU only makes both slower; the rest wait their turn.
    /// </summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>Run each network once at start-up so the first client does not pay for arena allocation.</summary>
    public bool WarmUp { get; set; } = true;
}

public enum ExecutionProvider
{
    Cpu,
    DirectML,
    Cuda,
}
