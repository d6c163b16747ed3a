using FapiHub.Application;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Application.Common;
using FapiHub.Domain.Accounts;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure;
using FapiHub.Infrastructure.Accounts.InMemory;
using FapiHub.Tests.Shared;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace FapiHub.UnitTests.Application;

/// <summary>
/// The real mediator pipeline (logging, validation, credit check, performance, handler) with fake imaging and model
/// ports and the embedded account store.
/// </summary>
public sealed class RemoveBackgroundPipelineTests : IDisposable
{
    private readonly FakeImageProcessor _images = new();
    private readonly FakeRemover _remover = new();
    private readonly FakeScheduler _scheduler = new();
    private readonly TestCaller _caller = new();
    private readonly ServiceProvider _services;
    private readonly InMemoryAccountStore _store;

    public RemoveBackgroundPipelineTests()
    {
        // The application's own wiring (with no Redis configured: the embedded store), so a change there is tested
        // here too; only the ports this test drives are replaced.
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddApplication(configuration);
        services.AddInfrastructure(configuration);

        // No host runs here, so its hosted services (model loading, memory hand-back, seeding) would never start:
        // dropped, so nothing reaches for ONNX models.
        services.RemoveAll<IHostedService>();
        services.Replace(ServiceDescriptor.Singleton<IModelCatalog>(new FakeModelCatalog("falcon", "aurora", "ghost")));
        services.Replace(ServiceDescriptor.Singleton<IImageProcessor>(_images));
        services.Replace(ServiceDescriptor.Singleton<IBackgroundRemover>(_remover));
        services.Replace(ServiceDescriptor.Singleton<IInferenceScheduler>(_scheduler));
        services.AddSingleton<ICallerContext>(_caller); // the Api's, from the request's claims
        services.AddOptions<PlansOptions>().Configure(o => o.Items["tiny"] = new PlanSettings { MonthlyQuota = 1, PerMinute = 10 });
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        _store = _services.GetRequiredService<InMemoryAccountStore>();
        UseAccount("pro", 0);
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Send_WhenCommandSucceeds_ShouldChargeOneImageAndReportWhatIsLeft()
    {
        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default));

        Assert.True(result.IsSuccess);
        Assert.Equal(new ChargeReceipt(1, 7_499, null), result.Value.Charge);
        Assert.Equal(1, (await Usage()).Used);
    }

    [Fact]
    public async Task Send_WhenValidationOrDecodingFails_ShouldChargeNothingAndHoldNothing()
    {
        _images.DecodeResult = DomainErrors.Image.Undecodable("the PNG data is damaged");

        var invalid = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "phantom", new MaskEffect(), OutputOptions.Default));
        var undecodable = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default));

        Assert.Equal(("invalid_request", "model"), (invalid.Error!.Code, invalid.Error.Field));
        Assert.Equal("invalid_image", undecodable.Error!.Code);
        Assert.Equal(new UsageSnapshot(0, 0, 0), await Usage());
    }

    [Fact]
    public async Task Send_WhenTheHandlerThrows_ShouldReleaseTheHoldAndRethrow()
    {
        _remover.Throw = true;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default)).AsTask());

        Assert.Equal(new UsageSnapshot(0, 0, 0), await Usage());
    }

    [Fact]
    public async Task Send_WhenPayAsYouGoHasNoCredits_ShouldBe402BeforeAnyWork()
    {
        UseAccount("payg", 0);

        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default));

        Assert.Equal("insufficient_credits", result.Error!.Code);
        Assert.Equal(0, _images.Decodes);
    }

    [Fact]
    public async Task Send_WhenPayAsYouGoHasCredits_ShouldSpendOneAndReportTheBalance()
    {
        UseAccount("payg", 3);

        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default));

        Assert.Equal(new ChargeReceipt(1, null, 2), result.Value.Charge);
    }

    [Fact]
    public async Task Send_WhenTheMonthlyQuotaIsUsedUp_ShouldBe429WithSecondsToNextMonth()
    {
        UseAccount("tiny", 0);
        await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default));

        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default));

        Assert.Equal("rate_limit_exceeded", result.Error!.Code);
        Assert.InRange(result.Error.RetryAfterSeconds!.Value, 1, 31 * 24 * 3600);
        Assert.Single(_remover.Models);
    }

    [Fact]
    public async Task Send_WhenTheCallerIsRevoked_ShouldBeInvalidApiKey()
    {
        await _store.RevokeAsync(_caller.AccountId!, default);

        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default));

        Assert.Equal("invalid_api_key", result.Error!.Code);
    }

    [Fact]
    public async Task Send_WhenThereIsNoCaller_ShouldRefuseToWorkForFree()
    {
        _caller.AccountId = null;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default)).AsTask());
        Assert.Empty(_remover.Models);
    }

    /// <summary>Makes a new account the caller, as authentication would (id and plan).</summary>
    private void UseAccount(string plan, long credits)
    {
        _caller.AccountId = _store.CreateAsync(new NewAccount(ApiKeys.Digest(ApiKeys.Generate()), "test", plan, credits), default).AsTask().Result.Id;
        _caller.Plan = plan;
    }

    private ValueTask<UsageSnapshot> Usage() =>
        _store.GetUsageAsync(_caller.AccountId!, BillingPeriod.Key(TimeProvider.System.GetUtcNow()), default);

    [Fact]
    public async Task Send_WhenModelIsUnknown_ShouldFailValidationWithoutDecodingOrInference()
    {
        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "phantom", new CutoutEffect(), OutputOptions.Default));

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_request", result.Error!.Code);
        Assert.Equal("model", result.Error.Field);
        Assert.Equal(0, _images.Decodes);
        Assert.Empty(_remover.Models);
    }

    [Fact]
    public async Task Send_WhenImageDoesNotDecode_ShouldReturnInvalidImageWithoutInference()
    {
        _images.DecodeResult = DomainErrors.Image.Undecodable("the PNG data is damaged");

        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new CutoutEffect(), OutputOptions.Default));

        Assert.Equal("invalid_image", result.Error!.Code);
        Assert.Empty(_remover.Models);
    }

    [Fact]
    public async Task Send_WhenCutoutSucceeds_ShouldApplyTheMaskAsAlphaWithTheNamedModel()
    {
        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "aurora", new CutoutEffect(), OutputOptions.Default));

        Assert.True(result.IsSuccess);
        Assert.Equal("image/png", result.Value.ContentType);
        Assert.Equal((2, 1), (result.Value.Width, result.Value.Height));
        Assert.Equal(["aurora"], _remover.Models);
        // The fake encoder returns the RGBA bytes: colour kept, alpha = mask × input alpha.
        Assert.Equal(new byte[] { 10, 20, 30, 200, 40, 50, 60, 0 }, result.Value.Content.Memory.ToArray());
    }

    [Fact]
    public async Task Send_WhenMaskIsAsked_ShouldEncodeTheMaskWithTheDefaultModel()
    {
        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default));

        Assert.Equal(new byte[] { 200, 0 }, result.Value.Content.Memory.ToArray());
        Assert.Equal(["falcon"], _remover.Models);
    }

    [Fact]
    public async Task Send_WhenTheRemoverFails_ShouldReturnItsError()
    {
        _remover.Failure = DomainErrors.Image.TooLarge(1, 1, 0);

        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new MaskEffect(), OutputOptions.Default));

        Assert.Equal("image_too_large", result.Error!.Code);
        Assert.Equal(new UsageSnapshot(0, 0, 0), await Usage());
    }

    [Theory]
    [InlineData("model")]
    [InlineData("render")]
    public async Task Send_WhenTheClientLeavesAfterTheModelStarted_ShouldReleaseTheHoldAndChargeNothing(string stage)
    {
        UseAccount("payg", 5);
        using var client = new CancellationTokenSource();
        EncodedImage? rendered = null;

        // The step finishes its work regardless, as the ONNX run's last moments and the encoder do.
        if (stage == "model")
        {
            _remover.During = client.Cancel;
        }
        else
        {
            _images.During = client.Cancel;
        }

        _images.Rendered = image => rendered = image;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new CutoutEffect(), OutputOptions.Default), client.Token).AsTask());

        Assert.Equal(new UsageSnapshot(0, 0, 5), await Usage());
        if (stage == "model")
        {
            Assert.Null(rendered); // not even encoded
        }
        else
        {
            Assert.Throws<ObjectDisposedException>(() => rendered!.Memory); // the undelivered image went back to its pool
        }
    }

    private ValueTask<Result<ProcessedImage>> Send(RemoveBackgroundCommand command, CancellationToken cancellationToken = default) =>
        _services.GetRequiredService<ISender>().Send(command, cancellationToken);

    private sealed class FakeImageProcessor : IImageProcessor
    {
        public int Decodes { get; private set; }

        public Result<RgbaImage>? DecodeResult { get; set; }

        /// <summary>The size the header "declares"; decoding still yields the 2 × 1 photo.</summary>
        public ImageSize ProbedSize { get; set; } = new(2, 1);

        public long MaxPixels { get; set; } = 25_000_000;

        public Result<ImageSize> Probe(ReadOnlyMemory<byte> encoded) =>
            DecodeResult is { IsSuccess: false } failed ? failed.Error! : ProbedSize;

        public Result<RgbaImage> Decode(ReadOnlyMemory<byte> encoded)
        {
            Decodes++;
            if (DecodeResult is not null)
            {
                return DecodeResult;
            }

            var image = new RgbaImage(2, 1);
            new byte[] { 10, 20, 30, 255, 40, 50, 60, 255 }.CopyTo(image.Span);
            return image;
        }

        /// <summary>The fake "encoder" returns the raw bytes: the matte for a mask, else the photo cut out with it.</summary>
        public RenderedImage RenderInPlace(RgbaImage photo, AlphaMask mask, Effect effect, OutputOptions output)
        {
            During?.Invoke();
            if (effect is MaskEffect)
            {
                return Keep(new RenderedImage(EncodedImage.Copy(mask.Span), mask.Width, mask.Height));
            }

            photo.ApplyAlpha(mask);
            return Keep(new RenderedImage(EncodedImage.Copy(photo.Span), photo.Width, photo.Height));
        }

        /// <summary>Runs inside rendering (e.g. the client leaves meanwhile).</summary>
        public Action? During { get; set; }

        /// <summary>Sees each rendered result.</summary>
        public Action<EncodedImage>? Rendered { get; set; }

        private RenderedImage Keep(RenderedImage rendered)
        {
            Rendered?.Invoke(rendered.Content);
            return rendered;
        }
    }

    [Fact]
    public async Task Send_WhenTheShadowWouldOutgrowThePixelLimit_ShouldRefuseBeforeTheTurnOrDecodingAndChargeNothing()
    {
        UseAccount("payg", 5);
        _images.ProbedSize = new ImageSize(4, 300_000); // the repro: 1.2 MP in, up to 1304 × 301,300 out

        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new ShadowEffect(-1000, 1000, 100, ShadowEffect.DefaultColor), OutputOptions.Default));

        Assert.Equal("image_too_large", result.Error!.Code);
        Assert.Equal("offset_x", result.Error.Field);
        Assert.Equal(0, _scheduler.Turns);
        Assert.Equal(0, _images.Decodes);
        Assert.Empty(_remover.Models);
        Assert.Equal(new UsageSnapshot(0, 0, 5), await Usage());
    }

    [Fact]
    public async Task Send_WhenTheShadowCanvasFitsTheLimit_ShouldTakeItsTurnAndBeCharged()
    {
        UseAccount("payg", 5);
        _images.ProbedSize = new ImageSize(4, 3_000);

        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "falcon", new ShadowEffect(-1000, 1000, 100, ShadowEffect.DefaultColor), OutputOptions.Default));

        Assert.True(result.IsSuccess);
        Assert.Equal(1, _scheduler.Turns);
        Assert.Equal(new ChargeReceipt(1, null, 4), result.Value.Charge);
    }

    private sealed class FakeScheduler : IInferenceScheduler
    {
        private int _turns;

        public int Turns => _turns;

        public int TimeoutSeconds => 60;

        public Result<IDisposable> TryAdmit() => throw new InvalidOperationException("Admission is the edge's step, never the handler's.");

        public ValueTask<IDisposable> WaitForTurnAsync(long pixels, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _turns);
            return ValueTask.FromResult<IDisposable>(new Turn());
        }

        private sealed class Turn : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }

    private sealed class TestCaller : ICallerContext
    {
        public string? AccountId { get; set; }

        public string? Plan { get; set; }
    }

    private sealed class FakeRemover : IBackgroundRemover
    {
        public List<string> Models { get; } = [];

        public Error? Failure { get; set; }

        public bool Throw { get; set; }

        /// <summary>Runs inside the model run (e.g. the client leaves meanwhile).</summary>
        public Action? During { get; set; }

        public ValueTask<Result<Prediction>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken)
        {
            Models.Add(model);
            During?.Invoke();
            if (Throw)
            {
                throw new InvalidOperationException("model crashed");
            }

            if (Failure is not null)
            {
                return ValueTask.FromResult(Result<Prediction>.Failure(Failure));
            }

            var mask = new AlphaMask(image.Width, image.Height);
            new byte[] { 200, 0 }.CopyTo(mask.Span);
            return ValueTask.FromResult(Result<Prediction>.Success(new Prediction(mask, TimeSpan.Zero)));
        }
    }
}
