using FapiHub.Application.Accounts.Plans;
using FapiHub.Application.Common;

namespace FapiHub.UnitTests.Application;

/// <summary>The sections this layer owns are checked at start-up, and a bad value is reported by its configuration key.</summary>
public sealed class OptionsValidatorTests
{
    [Fact]
    public void Validate_WhenLimitsAreOutOfRange_ShouldNameEachKey()
    {
        var result = new LimitsOptionsValidator().Validate(null, new LimitsOptions { MaxPixels = 0, MaxUploadBytes = 0 });

        Assert.Contains("Limits:MaxPixels", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Limits:MaxUploadBytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new LimitsOptionsValidator().Validate(null, new LimitsOptions()).Succeeded);
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
}
