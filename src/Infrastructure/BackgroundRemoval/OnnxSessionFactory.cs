using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace FapiHub.Infrastructure.BackgroundRemoval;

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
        };
        if (_options.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = _options.IntraOpThreads;
        }

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
                break;
        }

        return new InferenceSession(modelPath, sessionOptions);
    }
}
