using Microsoft.Extensions.Options;

namespace FapiHub.Application.BackgroundRemoval;

/// <summary>Stops start-up on a request-level inference setting that cannot work, naming the key.</summary>
internal sealed class BackgroundRemovalOptionsValidator : IValidateOptions<BackgroundRemovalOptions>
{
    public ValidateOptionsResult Validate(string? name, BackgroundRemovalOptions options) =>
        options.TimeoutSeconds is >= 1 and <= 3600
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Inference:TimeoutSeconds must be between 1 and 3600 (was {options.TimeoutSeconds}).");
}
