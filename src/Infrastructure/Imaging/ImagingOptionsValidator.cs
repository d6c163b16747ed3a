using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FapiHub.Infrastructure.Imaging;

/// <summary>Stops start-up on an imaging setting that cannot work, naming the key.</summary>
internal sealed class ImagingOptionsValidator : IValidateOptions<ImagingOptions>
{
    public ValidateOptionsResult Validate(string? name, ImagingOptions options)
    {
        var failures = new List<string>();
        if (options.PngCompressionLevel is < 0 or > 9)
        {
            failures.Add($"Imaging:PngCompressionLevel must be between 0 and 9 (was {options.PngCompressionLevel}).");
        }

        // A number binds to the flags enum unchecked ("7"); only combinations of the named filters mean anything to libpng.
        if ((options.PngFilter & ~SKPngEncoderFilterFlags.AllFilters) != 0)
        {
            failures.Add($"Imaging:PngFilter must be one or more of {string.Join(", ", Enum.GetNames<SKPngEncoderFilterFlags>())} (was {(int)options.PngFilter}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
