using FapiHub.Infrastructure.Imaging.UrlFetching;

namespace FapiHub.UnitTests.Infrastructure.UrlFetching;

/// <summary>The <c>ImageUrl</c> section is checked at start-up, each bad value named by its key.</summary>
public sealed class ImageUrlOptionsValidatorTests
{
    [Fact]
    public void Validate_WhenTheDefaultsAreUsed_ShouldSucceed() =>
        Assert.True(new ImageUrlOptionsValidator().Validate(null, new ImageUrlOptions()).Succeeded);

    [Theory]
    [InlineData(0, 3, "ImageUrl:TimeoutSeconds must be between 1 and 300 (was 0)")]
    [InlineData(301, 3, "ImageUrl:TimeoutSeconds must be between 1 and 300 (was 301)")]
    [InlineData(10, -1, "ImageUrl:MaxRedirects must be between 0 and 10 (was -1)")]
    [InlineData(10, 11, "ImageUrl:MaxRedirects must be between 0 and 10 (was 11)")]
    public void Validate_WhenANumberIsOutOfRange_ShouldNameTheKeyTheRangeAndTheValue(int timeoutSeconds, int maxRedirects, string message)
    {
        var result = new ImageUrlOptionsValidator().Validate(null, new ImageUrlOptions { TimeoutSeconds = timeoutSeconds, MaxRedirects = maxRedirects });

        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenAnAllowedHostIsUnusable_ShouldNameItsIndexAndValue()
    {
        var result = new ImageUrlOptionsValidator().Validate(null, new ImageUrlOptions { AllowedHosts = ["localhost", "http://images.internal:8080/"] });

        Assert.Contains("ImageUrl:AllowedHosts:1 must be a host name", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("was 'http://images.internal:8080/'", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("AllowedHosts:0", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenRestrictingToAnEmptyList_ShouldSayEveryUrlWouldBeRefused()
    {
        var result = new ImageUrlOptionsValidator().Validate(null, new ImageUrlOptions { RestrictToAllowedHosts = true });

        Assert.Contains("ImageUrl:RestrictToAllowedHosts", result.FailureMessage, StringComparison.Ordinal);
    }
}
