using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>Stops start-up on an imaging setting that cannot work, naming the key.</summary>
internal sealed class ImagingOptionsValidator : IValidateOptions<ImagingOptions>
{
    public ValidateOptionsResult Validate(string? name, ImagingOptions options) =>
        options.PngCompressionLevel is >= 0 and <= 9
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Imaging:PngCompressionLevel must be 0 to 9 (was {options.PngCompressionLevel}).");
}
