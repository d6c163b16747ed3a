using FapiHub.Infrastructure.BackgroundRemoval;
using FapiHub.Infrastructure.Imaging;

namespace FapiHub.UnitTests.Infrastructure;

/// <summary>Every options section is checked at start-up, and a bad value is reported by its configuration key.</summary>
public sealed class OptionsValidatorTests
{
    [Fact]
    public void Validate_WhenInferenceSettingsAreNegative_ShouldNameEachKey()
    {
        var result = new InferenceOptionsValidator().Validate(null, new InferenceOptions { MaxQueue = -1, IntraOpThreads = -2, MaxDecodedPixels = -5 });

        Assert.True(result.Failed);
        Assert.Contains("Inference:MaxQueue", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Inference:IntraOpThreads", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Inference:MaxDecodedPixels", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new InferenceOptionsValidator().Validate(null, new InferenceOptions()).Succeeded);
    }

    [Fact]
    public void Validate_WhenImagingSettingsAreOutOfRange_ShouldNameTheKey()
    {
        var result = new ImagingOptionsValidator().Validate(null, new ImagingOptions { PngCompressionLevel = 12 });

        Assert.Contains("Imaging:PngCompressionLevel", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ImagingOptionsValidator().Validate(null, new ImagingOptions()).Succeeded);
    }

    [Fact]
    public void Validate_WhenTheTimeoutIsZero_ShouldNameTheKey()
    {
        var result = new InferenceOptionsValidator().Validate(null, new InferenceOptions { TimeoutSeconds = 0 });

        Assert.Contains("Inference:TimeoutSeconds", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new InferenceOptionsValidator().Validate(null, new InferenceOptions()).Succeeded);
    }
}
