using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>Stops start-up on an inference setting that cannot work, naming the key.</summary>
internal sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        var failures = new List<string>();
        Check(options.IntraOpThreads, "IntraOpThreads", "0 (the core count, up to 4)");
        Check(options.MaxConcurrency, "MaxConcurrency", "0 (cores divided by threads per run)");
        Check(options.MaxQueue, "MaxQueue", "0 (no waiting)");
        Check(options.MaxDecodedPixels, "MaxDecodedPixels", "0 (no budget)");
        Check(options.DeviceId, "DeviceId", "0");
        if (options.TimeoutSeconds is < 1 or > 3600)
        {
            failures.Add($"Inference:TimeoutSeconds must be between 1 and 3600 (was {options.TimeoutSeconds}).");
        }

        if (!Enum.IsDefined(options.ExecutionProvider))
        {
            failures.Add($"Inference:ExecutionProvider is {(int)options.ExecutionProvider}; use Cpu, DirectML or Cuda.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(long value, string key, string least)
        {
            if (value < 0)
            {
                failures.Add($"Inference:{key} must not be negative (was {value}); the least is {least}.");
            }
        }
    }
}
