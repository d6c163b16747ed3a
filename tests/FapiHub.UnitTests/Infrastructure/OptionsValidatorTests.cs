using FapiHub.Application.Accounts.Plans;
using FapiHub.Infrastructure.Accounts;
using FapiHub.Infrastructure.BackgroundRemoval.Scheduling;
using FapiHub.Infrastructure.Imaging;
using Microsoft.Extensions.Options;
using SkiaSharp;

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

    [Theory]
    [InlineData(100_000)] // the issue: never became ready, no message
    [InlineData(257)]
    public void Validate_WhenIntraOpThreadsIsAboveItsRange_ShouldNameTheKeyTheRangeAndTheValue(int threads)
    {
        var result = new InferenceOptionsValidator().Validate(null, new InferenceOptions { IntraOpThreads = threads });

        Assert.Contains($"Inference:IntraOpThreads must be between 0 and 256 (was {threads})", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new InferenceOptionsValidator().Validate(null, new InferenceOptions { IntraOpThreads = 256, MaxConcurrency = 256 }).Succeeded);
    }

    [Fact]
    public void Validate_WhenInferenceSettingsAreAboveTheirRanges_ShouldNameEachKey()
    {
        var result = new InferenceOptionsValidator().Validate(null, new InferenceOptions { MaxConcurrency = 1000, MaxQueue = 1_000_001, DeviceId = 300, TimeoutSeconds = 3601 });

        Assert.Contains("Inference:MaxConcurrency must be between 0 and 256 (was 1000)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Inference:MaxQueue must be between 0 and 1000000 (was 1000001)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Inference:DeviceId must be between 0 and 255 (was 300)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Inference:TimeoutSeconds must be between 1 and 3600 (was 3601)", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenThePngFilterIsNotACombinationOfFilters_ShouldNameTheKey()
    {
        var result = new ImagingOptionsValidator().Validate(null, new ImagingOptions { PngFilter = (SKPngEncoderFilterFlags)7 });

        Assert.Contains("Imaging:PngFilter must be one or more of", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("(was 7)", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ImagingOptionsValidator().Validate(null, new ImagingOptions { PngFilter = SKPngEncoderFilterFlags.Sub | SKPngEncoderFilterFlags.Paeth }).Succeeded);
    }

    [Theory]
    [InlineData(0)] // the issue: a key with 2 credits got 5 images
    [InlineData(-1)]
    [InlineData(60)] // a hold as long as the inference timeout can lapse while its request still runs
    [InlineData(604_801)]
    public void Validate_WhenTheReservationTimeoutDoesNotOutliveARequest_ShouldNameTheKeyTheRangeAndTheValue(int seconds)
    {
        var result = Validator().Validate(null, new AccountStoreOptions { ReservationTimeoutSeconds = seconds });

        Assert.Contains($"Accounts:ReservationTimeoutSeconds must be between 61 and 604800 (was {seconds})", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Inference:TimeoutSeconds", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenTheReservationTimeoutFollowsAShorterInferenceTimeout_ShouldAcceptIt()
    {
        var validator = new AccountStoreOptionsValidator(Options.Create(new InferenceOptions { TimeoutSeconds = 10 }));

        Assert.True(validator.Validate(null, new AccountStoreOptions { ReservationTimeoutSeconds = 11 }).Succeeded);
        Assert.True(Validator().Validate(null, new AccountStoreOptions()).Succeeded);
    }

    [Fact]
    public void Validate_WhenTheRedisSettingsAreOutOfRange_ShouldNameEachKey()
    {
        var result = Validator().Validate(null, new AccountStoreOptions
        {
            RedisProbeIntervalMilliseconds = 0,
            RedisKeyPrefix = "my app",
            RedisReplicaAcks = 6,
            RedisReplicaAckTimeoutMilliseconds = 0,
            RedisSettleSeconds = 301,
        });

        Assert.Contains("Accounts:RedisProbeIntervalMilliseconds must be between 10 and 60000 (was 0)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Accounts:RedisReplicaAcks must be between 0 and 5 (was 6)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Accounts:RedisReplicaAckTimeoutMilliseconds must be between 1 and 10000 (was 0)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Accounts:RedisSettleSeconds must be between 0 and 300 (was 301)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Accounts:RedisKeyPrefix", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("(was 'my app')", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenABootstrapKeyIsMalformed_ShouldNameEachFieldWithoutEchoingTheKey()
    {
        var options = new ApiKeyOptions
        {
            Bootstrap =
            [
                new BootstrapApiKey { Key = "fh_live_" + new string('a', 32), Plan = "basic" },
                new BootstrapApiKey { Key = "secret-typo", Plan = "gold", Credits = -3, Name = "" },
            ],
        };

        var result = new ApiKeyOptionsValidator(new PlanCatalog(Options.Create(new PlansOptions()))).Validate(null, options);

        Assert.DoesNotContain("ApiKeys:Bootstrap:0", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ApiKeys:Bootstrap:1:Key must be 'fh_live_'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ApiKeys:Bootstrap:1:Plan must be a configured plan", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("(was 'gold')", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ApiKeys:Bootstrap:1:Credits must not be negative (was -3)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ApiKeys:Bootstrap:1:Name", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-typo", result.FailureMessage, StringComparison.Ordinal);
    }

    private static AccountStoreOptionsValidator Validator() => new(Options.Create(new InferenceOptions()));
}
