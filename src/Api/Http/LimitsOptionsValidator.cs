using Microsoft.Extensions.Options;

namespace FapiHub.Api.Http;

/// <summary>Stops start-up on a limit that cannot work, with a message naming the key (instead of odd behaviour later).</summary>
internal sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxUploadBytes is < 1 or > int.MaxValue - LimitsOptions.MultipartOverheadBytes)
        {
            failures.Add($"Limits:MaxUploadBytes must be between 1 and {int.MaxValue - LimitsOptions.MultipartOverheadBytes} (was {options.MaxUploadBytes}): uploads are held in memory.");
        }

        if (options.RequestHeadersTimeoutSeconds < 1)
        {
            failures.Add($"Limits:RequestHeadersTimeoutSeconds must be at least 1 (was {options.RequestHeadersTimeoutSeconds}).");
        }

        if (options.KeepAliveTimeoutSeconds < 1)
        {
            failures.Add($"Limits:KeepAliveTimeoutSeconds must be at least 1 (was {options.KeepAliveTimeoutSeconds}).");
        }

        if (options.MinRequestBodyBytesPerSecond < 0)
        {
            failures.Add($"Limits:MinRequestBodyBytesPerSecond must not be negative (was {options.MinRequestBodyBytesPerSecond}).");
        }

        // Kestrel refuses a grace period of one second or less.
        if (options.MinRequestBodyGraceSeconds < 2)
        {
            failures.Add($"Limits:MinRequestBodyGraceSeconds must be at least 2 (was {options.MinRequestBodyGraceSeconds}).");
        }

        if (options.DrainTimeoutSeconds < 0)
        {
            failures.Add($"Limits:DrainTimeoutSeconds must not be negative (was {options.DrainTimeoutSeconds}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
