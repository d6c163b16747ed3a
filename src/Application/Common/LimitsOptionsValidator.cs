using Microsoft.Extensions.Options;

namespace FapiHub.Application.Common;

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

        AtLeast(options.MaxPixels, 1, nameof(LimitsOptions.MaxPixels));
        AtLeast(options.RequestHeadersTimeoutSeconds, 1, nameof(LimitsOptions.RequestHeadersTimeoutSeconds));
        AtLeast(options.KeepAliveTimeoutSeconds, 1, nameof(LimitsOptions.KeepAliveTimeoutSeconds));
        AtLeast(options.MinRequestBodyBytesPerSecond, 0, nameof(LimitsOptions.MinRequestBodyBytesPerSecond));
        AtLeast(options.MinRequestBodyGraceSeconds, 2, nameof(LimitsOptions.MinRequestBodyGraceSeconds)); // Kestrel refuses one second or less
        AtLeast(options.DrainTimeoutSeconds, 0, nameof(LimitsOptions.DrainTimeoutSeconds));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void AtLeast(long value, long least, string key)
        {
            if (value < least)
            {
                failures.Add(least == 0
                    ? $"Limits:{key} must not be negative (was {value})."
                    : $"Limits:{key} must be at least {least} (was {value}).");
            }
        }
    }
}
