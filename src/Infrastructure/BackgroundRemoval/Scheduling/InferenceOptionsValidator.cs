using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.BackgroundRemoval.Scheduling;

/// <summary>Stops start-up on an inference setting that cannot work, naming the key, its range and the value given.</summary>
internal sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    /// <summary>
    /// Most threads one run, or runs at once, may be given. ONNX Runtime starts every thread up front, so a mistyped
    /// 100000 never became ready; beyond the largest servers' core counts more threads only contend.
    /// </summary>
    internal const int MostThreads = 256;

    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        var failures = new List<string>();
        Between(options.IntraOpThreads, 0, MostThreads, "IntraOpThreads", "0: the core count, up to 4");
        Between(options.MaxConcurrency, 0, MostThreads, "MaxConcurrency", "0: cores divided by threads per run");
        Between(options.MaxQueue, 0, 1_000_000, "MaxQueue", "0: no waiting");
        Between(options.MaxDecodedPixels, 0, long.MaxValue, "MaxDecodedPixels", "0: no budget");
        Between(options.DeviceId, 0, 255, "DeviceId", "the GPU ordinal");
        Between(options.TimeoutSeconds, 1, 3600, "TimeoutSeconds", "queueing included");
        if (!Enum.IsDefined(options.ExecutionProvider))
        {
            failures.Add($"Inference:ExecutionProvider must be Cpu, DirectML or Cuda (was {(int)options.ExecutionProvider}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Between(long value, long least, long most, string key, string meaning)
        {
            if (value < least || value > most)
            {
                failures.Add(most == long.MaxValue
                    ? $"Inference:{key} must not be negative (was {value}); {meaning}."
                    : $"Inference:{key} must be between {least} and {most} (was {value}); {meaning}.");
            }
        }
    }
}
