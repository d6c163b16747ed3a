using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Imaging;
using FapiHub.Tests.Shared;

namespace FapiHub.UnitTests.Application;

/// <summary>The invariants of the typed command, whichever edge built it (FapiHub's form parsing: FapiHubV2FormMappingTests).</summary>
public sealed class RemoveBackgroundCommandValidatorTests
{
    private static readonly byte[] SomeBytes = [1, 2, 3];
    private readonly RemoveBackgroundCommandValidator _validator = new(new FakeModelCatalog("falcon", "aurora", "ghost"));

    [Fact]
    public void Validate_WhenImageIsEmpty_ShouldFailNamingTheImageField()
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(ReadOnlyMemory<byte>.Empty, "falcon", new CutoutEffect(), OutputOptions.Default));

        var failure = Assert.Single(result.Errors);
        Assert.Equal("image", failure.PropertyName);
        Assert.Contains("'image'", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("phantom")]
    [InlineData("Aurora")] // the edge resolves a client's spelling; the command holds the catalogue's name
    [InlineData("")]
    public void Validate_WhenModelIsNotACatalogueName_ShouldFailListingTheAllowedModels(string model)
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(SomeBytes, model, new CutoutEffect(), OutputOptions.Default));

        var failure = Assert.Single(result.Errors);
        Assert.Equal("model", failure.PropertyName);
        Assert.Contains($"'{model}'", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("falcon, aurora, ghost", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenImageAndModelAreBad_ShouldReportBoth()
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(ReadOnlyMemory<byte>.Empty, "phantom", new CutoutEffect(), OutputOptions.Default));

        Assert.Equal(["image", "model"], result.Errors.Select(e => e.PropertyName));
    }

    [Theory]
    [InlineData("cutout")]
    [InlineData("shadow")]
    [InlineData("translucent colour")]
    public void Validate_WhenJpgIsAskedForATransparentResult_ShouldFailOnFormat(string kind)
    {
        Effect effect = kind switch
        {
            "cutout" => new CutoutEffect(),
            "shadow" => new ShadowEffect(0, 10, 15, ShadowEffect.DefaultColor),
            _ => new ColorEffect(new Rgba(255, 255, 255, 128)),
        };

        var failure = Assert.Single(_validator.Validate(Command(effect, new OutputOptions(OutputFormat.Jpeg))).Errors);

        Assert.Equal("format", failure.PropertyName);
        Assert.Contains("transparen", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OutputFormat.Jpeg)]
    [InlineData(OutputFormat.WebP)]
    public void Validate_WhenJpgOrWebpIsAskedForAnOpaqueResult_ShouldPass(OutputFormat format)
    {
        Assert.True(_validator.Validate(Command(new BlurEffect(10), new OutputOptions(format))).IsValid);
        Assert.True(_validator.Validate(Command(new MaskEffect(), new OutputOptions(format))).IsValid);
        Assert.True(_validator.Validate(Command(new GradientEffect(new Rgba(0, 0, 0, 255), new Rgba(255, 255, 255, 255)), new OutputOptions(format))).IsValid);
    }

    [Fact]
    public void Validate_WhenTypedValuesAreOutsideTheDomainRanges_ShouldNameEach()
    {
        var result = _validator.Validate(Command(new ShadowEffect(int.MinValue, 1001, 101, ShadowEffect.DefaultColor), new OutputOptions(Quality: 0, CropMargin: -1)));

        Assert.Equal(["offset_x", "offset_y", "blur_radius", "quality", "crop_margin"], result.Errors.Select(e => e.PropertyName));
        Assert.Contains(result.Errors, e => e.ErrorMessage == "Field 'offset_x' must be an integer from -1000 to 1000; was -2147483648.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    public void Validate_WhenBlurRadiusIsOutOfRange_ShouldFailOnRadius(int radius)
    {
        var failure = Assert.Single(_validator.Validate(Command(new BlurEffect(radius))).Errors);

        Assert.Equal("radius", failure.PropertyName);
        Assert.Contains("1 to 50", failure.ErrorMessage, StringComparison.Ordinal);
    }

    private static RemoveBackgroundCommand Command(Effect effect, OutputOptions? output = null) =>
        new(SomeBytes, "falcon", effect, output ?? OutputOptions.Default);
}
