using FapiHub.Application.Accounts.Plans;
using FapiHub.Application.Common;
using FapiHub.Application.Common.Behaviors;
using FapiHub.Application.Common.Startup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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

    [Theory]
    [InlineData(0)] // the issue: turned the per-minute limit off
    [InlineData(-5)] // the issue: X-RateLimit-Remaining -2, Reset -5
    [InlineData(0.5)]
    [InlineData(3601)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_WhenTheRateLimitWindowIsOutOfRange_ShouldNameTheKeyTheRangeAndTheValue(double seconds)
    {
        var result = new RateLimitingOptionsValidator().Validate(null, new RateLimitingOptions { WindowSeconds = seconds });

        Assert.True(result.Failed);
        Assert.Contains("RateLimiting:WindowSeconds must be between 1 and 3600", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains($"(was {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)})", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(60)]
    [InlineData(3600)]
    public void Validate_WhenTheRateLimitWindowIsInRange_ShouldSucceed(double seconds) =>
        Assert.True(new RateLimitingOptionsValidator().Validate(null, new RateLimitingOptions { WindowSeconds = seconds }).Succeeded);

    [Fact]
    public void Validate_WhenLimitsAreAboveTheirRange_ShouldNameEachKeyWithItsRangeAndValue()
    {
        var result = new LimitsOptionsValidator().Validate(null, new LimitsOptions
        {
            MaxPixels = 600_000_000,
            RequestHeadersTimeoutSeconds = 0,
            KeepAliveTimeoutSeconds = 100_000,
            MinRequestBodyBytesPerSecond = -1,
            MinRequestBodyGraceSeconds = 1,
            DrainTimeoutSeconds = 4000,
        });

        Assert.Contains("Limits:MaxPixels must be between 1 and 536870911 (was 600000000)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Limits:RequestHeadersTimeoutSeconds must be between 1 and 3600 (was 0)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Limits:KeepAliveTimeoutSeconds must be between 1 and 86400 (was 100000)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Limits:MinRequestBodyBytesPerSecond must be between 0 and 1000000000 (was -1)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Limits:MinRequestBodyGraceSeconds must be between 2 and 3600 (was 1)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Limits:DrainTimeoutSeconds must be between 0 and 3600 (was 4000)", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenTheSlowCommandThresholdIsNotPositive_ShouldNameTheKey()
    {
        var result = new PerformanceOptionsValidator().Validate(null, new PerformanceOptions { SlowCommandThresholdMs = 0 });

        Assert.Contains("Performance:SlowCommandThresholdMs must be between 1 and 3600000 (was 0)", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new PerformanceOptionsValidator().Validate(null, new PerformanceOptions()).Succeeded);
    }

    [Fact]
    public void Validate_WhenAPlansLimitsAreOutOfRange_ShouldNameEachKeyAndValue()
    {
        var options = new PlansOptions();
        options.Items["gold"] = new PlanSettings { MonthlyQuota = -1, PerMinute = 2_000_000 };

        var result = new PlansOptionsValidator().Validate(null, options);

        Assert.Contains("Plans:gold:PerMinute must be between 1 and 1000000 (was 2000000)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Plans:gold:MonthlyQuota must be 0 or more", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("(was -1)", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RateLimiting:WindowSeconds", "abc", "RateLimiting:WindowSeconds must be a number (was 'abc').")]
    [InlineData("Limits:MaxPixels", "25MP", "Limits:MaxPixels must be a whole number (was '25MP').")]
    [InlineData("Performance:SlowCommandThresholdMs", "1.5", "Performance:SlowCommandThresholdMs must be a whole number (was '1.5').")]
    [InlineData("Plans:gold:PerMinute", "lots", "Plans:gold:PerMinute must be a whole number (was 'lots').")]
    public async Task RunAsync_WhenASettingHasTheWrongType_ShouldNameTheKeyAndTheValue(string key, string value, string expected)
    {
        await using var services = Services((key, value));

        var failures = await StartupChecks.RunAsync(services, CancellationToken.None);

        Assert.Equal([expected], failures);
    }

    [Fact]
    public async Task RunAsync_WhenSeveralSectionsAreRefused_ShouldNameEveryKey()
    {
        await using var services = Services(("RateLimiting:WindowSeconds", "0"), ("Limits:MaxPixels", "0"), ("Performance:SlowCommandThresholdMs", "x"));

        var failures = await StartupChecks.RunAsync(services, CancellationToken.None);

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("RateLimiting:WindowSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Limits:MaxPixels", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Performance:SlowCommandThresholdMs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_WhenEverySettingIsValid_ShouldFindNothing()
    {
        await using var services = Services(("RateLimiting:WindowSeconds", "4"));

        Assert.Empty(await StartupChecks.RunAsync(services, CancellationToken.None));
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddMetrics();
        FapiHub.Application.DependencyInjection.AddApplication(services, configuration);
        return services.BuildServiceProvider();
    }
}
