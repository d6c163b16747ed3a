using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>Stops start-up on an imaging setting that cannot work, naming the key.</summary>
internal sealed class ImagingOptionsValidator : IValidateOptions<ImagingOptions>
{
    public ValidateOptionsResult Validate(string? name, ImagingOptions options)
    {
        var failures = new List<string>();
        if (options.MaxPixels < 1)
        {
            failures.Add($"Limits:MaxPixels must be at least 1 (was {options.MaxPixels}).");
        }

        if (options.PngCompressionLevel is < 0 or > 9)
        {
            failures.Add($"Imaging:PngCompressionLevel must be 0 to 9 (was {options.PngCompressionLevel}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
