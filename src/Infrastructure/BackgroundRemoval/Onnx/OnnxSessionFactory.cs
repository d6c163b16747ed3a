using FapiHub.Infrastructure.BackgroundRemoval.Scheduling;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>Creates ONNX Runtime sessions on the configured execution provider.</summary>
internal sealed class OnnxSessionFactory(IOptions<InferenceOptions> options)
{
    private readonly InferenceOptions _options = options.Value;

    /// <summary>
    /// Fails fast, with the fix in the message, when the configured provider is not in this ONNX Runtime build
    /// (the CPU package has no DirectML or CUDA). Called when the host starts.
    /// </summary>
    public void EnsureProviderAvailable()
    {
        var required = _options.ExecutionProvider switch
        {
            ExecutionProvider.DirectML => "DmlExecutionProvider",
            ExecutionProvider.Cuda => "CUDAExecutionProvider",
            _ => "CPUExecutionProvider",
        };
        var available = OrtEnv.Instance().GetAvailableProviders();
        if (available.Contains(required, StringComparer.Ordinal))
        {
            return;
        }

        var fix = _options.ExecutionProvider switch
        {
            ExecutionProvider.DirectML =>
                "DirectML needs a Windows build that references Microsoft.ML.OnnxRuntime.DirectML instead of Microsoft.ML.OnnxRuntime (see README).",
            ExecutionProvider.Cuda =>
                "CUDA needs a build that references Microsoft.ML.OnnxRuntime.Gpu and an installed CUDA runtime (see README).",
            _ => "The CPU provider is missing, which means the ONNX Runtime native library is broken.",
        };
        throw new InvalidOperationException(
            $"Inference:ExecutionProvider is '{_options.ExecutionProvider}', but this ONNX Runtime build offers only " +
            $"{string.Join(", ", available)}. {fix} Or set Inference:ExecutionProvider to 'Cpu'.");
    }

    public InferenceSession Create(string modelPath)
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,

            // Measured on IS-Net 1024² (docs/performance.md): the memory-pattern planner about doubles each session's
            // arena and makes runs slower; without it the arena settles at the size of one run's activations.
            EnableMemoryPattern = false,
        };
        sessionOptions.IntraOpNumThreads = _options.EffectiveIntraOpThreads;

        switch (_options.ExecutionProvider)
        {
            case ExecutionProvider.DirectML:
                // DirectML does not support memory-pattern optimisation or parallel execution (ORT documentation).
                sessionOptions.EnableMemoryPattern = false;
                sessionOptions.AppendExecutionProvider_DML(_options.DeviceId);
                break;
            case ExecutionProvider.Cuda:
                sessionOptions.AppendExecutionProvider_CUDA(_options.DeviceId);
                break;
            default:
                // All CPU sessions draw activations from one process-wide arena: the scheduler bounds concurrent runs,
                // so the models together need the memory of MaxConcurrency runs, not one arena each (measured in
                // docs/performance.md).
                SharedCpuArena.EnsureRegistered();
                sessionOptions.AddSessionConfigEntry("session.use_env_allocators", "1");

                // Idle ONNX Runtime threads would otherwise spin between operators, taking the CPU that other
                // requests' decoding, encoding and quick 503 answers need; the model itself runs no slower without it.
                sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
                break;
        }

        return new InferenceSession(modelPath, sessionOptions);
    }

    /// <summary>The process-wide CPU arena, registered once (ONNX Runtime refuses a second registration).</summary>
    private static class SharedCpuArena
    {
        private static readonly Lazy<bool> Registered = new(() =>
        {
            using var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
            using var arena = new OrtArenaCfg(0, -1, -1, -1); // ONNX Runtime's defaults
            OrtEnv.Instance().CreateAndRegisterAllocator(memory, arena);
            return true;
        });

        public static void EnsureRegistered() => _ = Registered.Value;
    }
}
