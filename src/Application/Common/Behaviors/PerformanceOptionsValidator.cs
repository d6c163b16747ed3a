using Microsoft.Extensions.Options;

namespace FapiHub.Application.Common.Behaviors;

/// <summary>Stops start-up on a slow-command threshold that would warn on every command (or never make sense), naming the key.</summary>
internal sealed class PerformanceOptionsValidator : IValidateOptions<PerformanceOptions>
{
    public ValidateOptionsResult Validate(string? name, PerformanceOptions options) =>
        options.SlowCommandThresholdMs is >= 1 and <= 3_600_000
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Performance:SlowCommandThresholdMs must be between 1 and 3600000 (was {options.SlowCommandThresholdMs}).");
}
