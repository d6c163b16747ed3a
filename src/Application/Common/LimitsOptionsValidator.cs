using Microsoft.Extensions.Options;

namespace FapiHub.Application.Common;

/// <summary>Stops start-up on a limit that cannot work, with a message naming the key (instead of odd behaviour later).</summary>
internal sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    /// <summary>A decoded image is one RGBA array (4 bytes a pixel), and .NET arrays stop at int.MaxValue bytes.</summary>
    internal const long MostPixels = int.MaxValue / 4;

    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxUploadBytes is < 1 or > int.MaxValue - LimitsOptions.MultipartOverheadBytes)
        {
            failures.Add($"Limits:MaxUploadBytes must be between 1 and {int.MaxValue - LimitsOptions.MultipartOverheadBytes} (was {options.MaxUploadBytes}): uploads are held in memory.");
        }

        Between(options.MaxPixels, 1, MostPixels, nameof(LimitsOptions.MaxPixels), ": a decoded image is one RGBA array");
        Between(options.RequestHeadersTimeoutSeconds, 1, 3600, nameof(LimitsOptions.RequestHeadersTimeoutSeconds));
        Between(options.KeepAliveTimeoutSeconds, 1, 86_400, nameof(LimitsOptions.KeepAliveTimeoutSeconds));
        Between(options.MinRequestBodyBytesPerSecond, 0, 1_000_000_000, nameof(LimitsOptions.MinRequestBodyBytesPerSecond));
        Between(options.MinRequestBodyGraceSeconds, 2, 3600, nameof(LimitsOptions.MinRequestBodyGraceSeconds), ": Kestrel refuses one second or less");
        Between(options.DrainTimeoutSeconds, 0, 3600, nameof(LimitsOptions.DrainTimeoutSeconds));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Between(long value, long least, long most, string key, string why = "")
        {
            if (value < least || value > most)
            {
                failures.Add($"Limits:{key} must be between {least} and {most} (was {value}){why}.");
            }
        }
    }
}
