using FapiHub.Application;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Domain.Imaging;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace FapiHub.UnitTests.Application;

/// <summary>The real mediator pipeline (behaviors, validator, handler) with fake ports.</summary>
public sealed class RemoveBackgroundPipelineTests : IDisposable
{
    private readonly FakeImageProcessor _images = new();
    private readonly FakeRemover _remover = new();
    private readonly ServiceProvider _services;

    public RemoveBackgroundPipelineTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddApplication();
        services.AddSingleton<IModelCatalog>(new FakeModelCatalog("falcon", "aurora", "ghost"));
        services.AddSingleton<IImageProcessor>(_images);
        services.AddSingleton<IBackgroundRemover>(_remover);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Send_WhenModelIsUnknown_ShouldFailValidationWithoutDecodingOrInference()
    {
        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "phantom", OutputKind.Cutout));

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_request", result.Error!.Code);
        Assert.Equal("model", result.Error.Field);
        Assert.Equal(0, _images.Decodes);
        Assert.Empty(_remover.Models);
    }

    [Fact]
    public async Task Send_WhenImageDoesNotDecode_ShouldReturnInvalidImageWithoutInference()
    {
        _images.DecodeResult = Errors.Image.Invalid;

        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, null, OutputKind.Cutout));

        Assert.Equal("invalid_image", result.Error!.Code);
        Assert.Empty(_remover.Models);
    }

    [Fact]
    public async Task Send_WhenCutoutSucceeds_ShouldApplyTheMaskAsAlphaWithTheResolvedModel()
    {
        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, "AURORA", OutputKind.Cutout));

        Assert.True(result.IsSuccess);
        Assert.Equal("image/png", result.Value.ContentType);
        Assert.Equal((2, 1), (result.Value.Width, result.Value.Height));
        Assert.Equal(["aurora"], _remover.Models);
        // The fake encoder returns the RGBA bytes: colour kept, alpha = mask × input alpha.
        Assert.Equal(new byte[] { 10, 20, 30, 200, 40, 50, 60, 0 }, result.Value.Content);
    }

    [Fact]
    public async Task Send_WhenMaskIsAsked_ShouldEncodeTheMaskWithTheDefaultModel()
    {
        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, null, OutputKind.Mask));

        Assert.Equal(new byte[] { 200, 0 }, result.Value.Content);
        Assert.Equal(["falcon"], _remover.Models);
    }

    [Fact]
    public async Task Send_WhenTheRemoverFails_ShouldReturnItsError()
    {
        _remover.Failure = Errors.General.NotReady;

        var result = await Send(new RemoveBackgroundCommand(new byte[] { 1 }, null, OutputKind.Mask));

        Assert.Same(Errors.General.NotReady, result.Error);
    }

    private ValueTask<Result<ProcessedImage>> Send(RemoveBackgroundCommand command) =>
        _services.GetRequiredService<ISender>().Send(command);

    private sealed class FakeImageProcessor : IImageProcessor
    {
        public int Decodes { get; private set; }

        public Result<RgbaImage>? DecodeResult { get; set; }

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

        public byte[] EncodePng(RgbaImage image) => image.Span.ToArray();

        public byte[] EncodePng(AlphaMask mask) => mask.Span.ToArray();
    }

    private sealed class FakeRemover : IBackgroundRemover
    {
        public List<string> Models { get; } = [];

        public Error? Failure { get; set; }

        public ValueTask<Result<AlphaMask>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken)
        {
            Models.Add(model);
            if (Failure is not null)
            {
                return ValueTask.FromResult(Result<AlphaMask>.Failure(Failure));
            }

            var mask = new AlphaMask(image.Width, image.Height);
            new byte[] { 200, 0 }.CopyTo(mask.Span);
            return ValueTask.FromResult(Result<AlphaMask>.Success(mask));
        }
    }
}
