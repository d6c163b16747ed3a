using FapiHub.Application.Accounts.Plans;
using FapiHub.Application.BackgroundRemoval;
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
    public void Validate_WhenImagingSettingsAreOutOfRange_ShouldNameEachKey()
    {
        var result = new ImagingOptionsValidator().Validate(null, new ImagingOptions { MaxPixels = 0, PngCompressionLevel = 12 });

        Assert.Contains("Limits:MaxPixels", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Imaging:PngCompressionLevel", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ImagingOptionsValidator().Validate(null, new ImagingOptions()).Succeeded);
    }

    [Fact]
    public void Validate_WhenAPlanHasNoPerMinuteLimit_ShouldNameThePlan()
    {
        var options = new PlansOptions();
        options.Items["tiny"] = new PlanSettings { MonthlyQuota = 10, PerMinute = 0 };

        var result = new PlansOptionsValidator().Validate(null, options);

        Assert.Contains("Plans:tiny", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new PlansOptionsValidator().Validate(null, new PlansOptions()).Succeeded);
    }

    [Fact]
    public void Validate_WhenTheTimeoutIsZero_ShouldNameTheKey()
    {
        var result = new BackgroundRemovalOptionsValidator().Validate(null, new BackgroundRemovalOptions { TimeoutSeconds = 0 });

        Assert.Contains("Inference:TimeoutSeconds", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new BackgroundRemovalOptionsValidator().Validate(null, new BackgroundRemovalOptions()).Succeeded);
    }
}
