using FapiHub.Api.Contracts;
using FapiHub.Api.Protocols.FapiHubV2;
using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using FapiHub.Tests.Shared;

namespace FapiHub.FunctionalTests.Protocols;

/// <summary>FapiHub's v2 form fields to the typed command: every field checked once, every bad one named together.</summary>
public sealed class FapiHubV2FormMappingTests
{
    private static readonly byte[] SomeBytes = [1, 2, 3];
    private readonly FapiHubV2FormMapping _mapping = new(new FakeModelCatalog("falcon", "aurora", "ghost"));

    [Fact]
    public void Cutout_WhenImageIsEmpty_ShouldFailNamingTheImageField()
    {
        var error = Failed(_mapping.Cutout(new RemoveBackgroundForm(), ReadOnlyMemory<byte>.Empty));

        Assert.Equal("image", error.Field);
        Assert.Contains("'image'", error.Message, StringComparison.Ordinal);
        Assert.Empty(error.FieldErrors);
    }

    [Fact]
    public void Cutout_WhenModelIsUnknown_ShouldFailListingTheAllowedModels()
    {
        var error = Failed(_mapping.Cutout(new RemoveBackgroundForm { Model = "phantom" }, SomeBytes));

        Assert.Equal("model", error.Field);
        Assert.Contains("'phantom'", error.Message, StringComparison.Ordinal);
        Assert.Contains("falcon, aurora, ghost", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "falcon")]
    [InlineData("", "falcon")]
    [InlineData("   ", "falcon")]
    [InlineData("falcon", "falcon")]
    [InlineData("Aurora", "aurora")]
    [InlineData("GHOST", "ghost")]
    public void Mask_WhenModelIsKnownOrOmitted_ShouldSendTheCatalogueName(string? model, string expected)
    {
        var command = _mapping.Mask(new RemoveBackgroundForm { Model = model }, SomeBytes);

        Assert.True(command.IsSuccess, command.Error?.Message);
        Assert.Equal(expected, command.Value.Model);
        Assert.IsType<MaskEffect>(command.Value.Effect);
        Assert.Equal(OutputOptions.Default, command.Value.Output);
    }

    [Fact]
    public void Cutout_WhenBothFieldsAreBad_ShouldReportBoth()
    {
        var error = Failed(_mapping.Cutout(new RemoveBackgroundForm { Model = "phantom" }, ReadOnlyMemory<byte>.Empty));

        Assert.Equal(["image", "model"], error.FieldErrors.Select(e => e.Field));
        Assert.Same(error.FieldErrors[0].Message, error.Message);
    }

    [Theory]
    [InlineData("255, 140, 0")]
    [InlineData("255,140,0,128")]
    [InlineData("(255, 255, 255, 255)")]
    [InlineData("#FF8C00")]
    [InlineData("#ff8c0080")]
    [InlineData("(1,2,3)")]
    public void Color_WhenColourUsesAnyFapiHubForm_ShouldPass(string color)
    {
        var command = _mapping.Color(new ColorForm { BgColor = color }, SomeBytes);

        Assert.True(command.IsSuccess, command.Error?.Message);
        Assert.IsType<ColorEffect>(command.Value.Effect);
    }

    [Theory]
    [InlineData(null, "Field 'bgcolor' must be given: a colour such as")]
    [InlineData("red", "Field 'bgcolor' must be a colour such as")]
    [InlineData("256, 0, 0", "Field 'bgcolor' must be a colour such as")]
    [InlineData("#FF8C0", "Field 'bgcolor' must be a colour such as")]
    [InlineData("1, 2", "Field 'bgcolor' must be a colour such as")]
    [InlineData("((1,2,3))", "; was '((1,2,3))'.")] // issue 25: any number of parentheses used to pass
    [InlineData("(1,2,3", "; was '(1,2,3'.")]
    [InlineData("(((1, 2, 3, 4)))", "Field 'bgcolor' must be a colour such as")]
    public void Color_WhenColourIsMissingOrMalformed_ShouldNameTheField(string? color, string words)
    {
        var error = Failed(_mapping.Color(new ColorForm { BgColor = color }, SomeBytes));

        Assert.Equal("bgcolor", error.Field);
        Assert.Contains(words, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "Field 'radius' must be an integer from 1 to 50 (the blur's standard deviation in pixels); was 0.")] // issue 25: "is required"
    [InlineData(51, "Field 'radius' must be an integer from 1 to 50 (the blur's standard deviation in pixels); was 51.")]
    [InlineData(null, "Field 'radius' must be given: an integer from 1 to 50 (the blur's standard deviation in pixels).")]
    public void Blur_WhenRadiusIsGivenOutOfRangeOrMissing_ShouldSaySoInTheHouseForm(int? radius, string expected)
    {
        var error = Failed(_mapping.Blur(new BlurForm { Radius = radius }, SomeBytes));

        Assert.Equal("radius", error.Field);
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Shadow_WhenAnyFieldIsBad_ShouldAnswerInTheFieldMustFormAllTogether()
    {
        var form = new ShadowForm { OffsetX = 5000, ShadowColor = "nope", Format = "gif", Quality = 0, CropMargin = -1 };

        var error = Failed(_mapping.Shadow(form, ReadOnlyMemory<byte>.Empty));

        Assert.Equal(["image", "offset_x", "shadow_color", "format", "quality", "crop_margin"], error.FieldErrors.Select(e => e.Field));
        Assert.All(error.FieldErrors, e => Assert.StartsWith($"Field '{e.Field}' must ", e.Message, StringComparison.Ordinal));
        Assert.Contains(error.FieldErrors, e => e.Message.EndsWith("; was 5000.", StringComparison.Ordinal));
        Assert.Contains(error.FieldErrors, e => e.Message.EndsWith("; was 'gif'.", StringComparison.Ordinal));
    }

    [Fact]
    public void Shadow_WhenFieldsAreOutOfRange_ShouldNameEach()
    {
        var error = Failed(_mapping.Shadow(new ShadowForm { OffsetX = 5000, OffsetY = -5000, BlurRadius = 101, ShadowColor = "nope" }, SomeBytes));

        Assert.Equal(["offset_x", "offset_y", "blur_radius", "shadow_color"], error.FieldErrors.Select(e => e.Field));
    }

    [Theory]
    [InlineData(int.MinValue, 0)]
    [InlineData(0, int.MinValue)]
    public void Shadow_WhenAnOffsetIsIntMinValue_ShouldFailNamingItRatherThanThrow(int offsetX, int offsetY)
    {
        // Found by the output-size fuzz: Math.Abs(int.MinValue) threw (a 500 over HTTP).
        var error = Failed(_mapping.Shadow(new ShadowForm { OffsetX = offsetX, OffsetY = offsetY, BlurRadius = 15, Format = "jpg" }, SomeBytes));

        Assert.Equal(offsetX == int.MinValue ? "offset_x" : "offset_y", error.Field);
    }

    [Fact]
    public void Shadow_WhenFieldsAreOmitted_ShouldUseTheDomainDefaults()
    {
        var command = _mapping.Shadow(new ShadowForm(), SomeBytes);

        Assert.Equal(
            new ShadowEffect(ShadowEffect.DefaultOffsetX, ShadowEffect.DefaultOffsetY, ShadowEffect.DefaultBlurRadius, ShadowEffect.DefaultColor),
            command.Value.Effect);
    }

    [Theory]
    [InlineData("jpg", OutputFormat.Jpeg)]
    [InlineData("JPEG", OutputFormat.Jpeg)]
    [InlineData(" webp ", OutputFormat.WebP)]
    [InlineData("", OutputFormat.Png)]
    public void Gradient_WhenOutputFieldsAreGiven_ShouldMapThemToOutputOptions(string format, OutputFormat expected)
    {
        var form = new GradientForm { TopColor = "#000", BottomColor = "#fff", Format = format, Quality = 70, Crop = true, CropMargin = 12 };

        var command = _mapping.Gradient(form, SomeBytes);

        Assert.Equal(new OutputOptions(expected, 70, true, 12), command.Value.Output);
        Assert.Equal(new GradientEffect(new Rgba(0, 0, 0), new Rgba(255, 255, 255)), command.Value.Effect);
    }

    [Fact]
    public void Cutout_WhenOutputFieldsAreBad_ShouldNameEach()
    {
        var error = Failed(_mapping.Cutout(new RemoveBackgroundForm { Format = "gif", Quality = 0, Crop = true, CropMargin = -1 }, SomeBytes));

        Assert.Equal(["format", "quality", "crop_margin"], error.FieldErrors.Select(e => e.Field));
    }

    [Fact]
    public void Cutout_WhenJpgIsAskedForATransparentResult_ShouldLeaveTheCombinationToTheValidator()
    {
        // jpg is a valid format on its own; whether it can carry this result is an invariant of the typed command.
        var command = _mapping.Cutout(new RemoveBackgroundForm { Format = "jpg" }, SomeBytes);

        Assert.Equal(OutputFormat.Jpeg, command.Value.Output.Format);
    }

    private static Error Failed(Result<RemoveBackgroundCommand> result)
    {
        Assert.False(result.IsSuccess);
        return result.Error!;
    }
}
