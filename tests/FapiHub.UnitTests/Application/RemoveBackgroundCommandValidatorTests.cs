using FapiHub.Application.BackgroundRemoval.RemoveBackground;

namespace FapiHub.UnitTests.Application;

public sealed class RemoveBackgroundCommandValidatorTests
{
    private static readonly byte[] SomeBytes = [1, 2, 3];
    private readonly RemoveBackgroundCommandValidator _validator = new(new RemoveBackgroundRequestParser(new FakeModelCatalog("falcon", "aurora", "ghost")));

    [Fact]
    public void Validate_WhenImageIsEmpty_ShouldFailNamingTheImageField()
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(ReadOnlyMemory<byte>.Empty, null, new CutoutRequest(), OutputRequest.Default));

        var failure = Assert.Single(result.Errors);
        Assert.Equal("image", failure.PropertyName);
        Assert.Contains("'image'", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenModelIsUnknown_ShouldFailListingTheAllowedModels()
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(SomeBytes, "phantom", new CutoutRequest(), OutputRequest.Default));

        var failure = Assert.Single(result.Errors);
        Assert.Equal("model", failure.PropertyName);
        Assert.Contains("'phantom'", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("falcon, aurora, ghost", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("falcon")]
    [InlineData("Aurora")]
    [InlineData("GHOST")]
    public void Validate_WhenModelIsKnownOrOmitted_ShouldPass(string? model)
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(SomeBytes, model, new MaskRequest(), OutputRequest.Default));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Validate_WhenBothFieldsAreBad_ShouldReportBoth()
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(ReadOnlyMemory<byte>.Empty, "phantom", new CutoutRequest(), OutputRequest.Default));

        Assert.Equal(["image", "model"], result.Errors.Select(e => e.PropertyName));
    }

    [Theory]
    [InlineData("255, 140, 0")]
    [InlineData("255,140,0,128")]
    [InlineData("(255, 255, 255, 255)")]
    [InlineData("#FF8C00")]
    [InlineData("#ff8c0080")]
    [InlineData("(1,2,3)")]
    public void Validate_WhenColourUsesAnyFapiHubForm_ShouldPass(string color)
    {
        var result = _validator.Validate(Command(new ColorRequest(color)));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Theory]
    [InlineData(null, "bgcolor", "Field 'bgcolor' must be given: a colour such as")]
    [InlineData("red", "bgcolor", "Field 'bgcolor' must be a colour such as")]
    [InlineData("256, 0, 0", "bgcolor", "Field 'bgcolor' must be a colour such as")]
    [InlineData("#FF8C0", "bgcolor", "Field 'bgcolor' must be a colour such as")]
    [InlineData("1, 2", "bgcolor", "Field 'bgcolor' must be a colour such as")]
    [InlineData("((1,2,3))", "bgcolor", "; was '((1,2,3))'.")] // issue 25: any number of parentheses used to pass
    [InlineData("(1,2,3", "bgcolor", "; was '(1,2,3'.")]
    [InlineData("(((1, 2, 3, 4)))", "bgcolor", "Field 'bgcolor' must be a colour such as")]
    public void Validate_WhenColourIsMissingOrMalformed_ShouldNameTheField(string? color, string field, string words)
    {
        var failure = Assert.Single(_validator.Validate(Command(new ColorRequest(color))).Errors);

        Assert.Equal(field, Field(failure));
        Assert.Contains(words, failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "Field 'radius' must be an integer from 1 to 50 (the blur's standard deviation in pixels); was 0.")] // issue 25: "is required"
    [InlineData(51, "Field 'radius' must be an integer from 1 to 50 (the blur's standard deviation in pixels); was 51.")]
    [InlineData(null, "Field 'radius' must be given: an integer from 1 to 50 (the blur's standard deviation in pixels).")]
    public void Validate_WhenBlurRadiusIsGivenOutOfRangeOrMissing_ShouldSaySoInTheHouseForm(int? radius, string expected)
    {
        var failure = Assert.Single(_validator.Validate(Command(new BlurRequest(radius))).Errors);

        Assert.Equal(expected, failure.ErrorMessage);
    }

    [Fact]
    public void Validate_WhenAnyFieldIsBad_ShouldAnswerInTheFieldMustForm()
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(
            ReadOnlyMemory<byte>.Empty, "phantom", new ShadowRequest(5000, null, null, "nope"), new OutputRequest("gif", 0, null, -1)));

        Assert.Equal(["image", "model", "offset_x", "shadow_color", "format", "quality", "crop_margin"], result.Errors.Select(Field));
        Assert.All(result.Errors, e => Assert.StartsWith($"Field '{Field(e)}' must ", e.ErrorMessage, StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.ErrorMessage.EndsWith("; was 5000.", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.ErrorMessage.EndsWith("; was 'gif'.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(51)]
    public void Validate_WhenBlurRadiusIsMissingOrOutOfRange_ShouldFailOnRadius(int? radius)
    {
        var failure = Assert.Single(_validator.Validate(Command(new BlurRequest(radius))).Errors);

        Assert.Equal("radius", Field(failure));
        Assert.Contains("1 to 50", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenShadowFieldsAreOutOfRange_ShouldNameEach()
    {
        var result = _validator.Validate(Command(new ShadowRequest(5000, -5000, 101, "nope")));

        Assert.Equal(["offset_x", "offset_y", "blur_radius", "shadow_color"], result.Errors.Select(Field));
    }

    [Theory]
    [InlineData(int.MinValue, 0)]
    [InlineData(0, int.MinValue)]
    public void Validate_WhenAnOffsetIsIntMinValue_ShouldFailNamingItRatherThanThrow(int offsetX, int offsetY)
    {
        // Found by the output-size fuzz: Math.Abs(int.MinValue) threw from ShadowRequest.TryCreate (a 500 over HTTP).
        var result = _validator.Validate(Command(new ShadowRequest(offsetX, offsetY, 15, null), new OutputRequest("jpg")));

        Assert.Contains(offsetX == int.MinValue ? "offset_x" : "offset_y", result.Errors.Select(Field));
    }

    [Theory]
    [InlineData("cutout")]
    [InlineData("shadow")]
    [InlineData("translucent colour")]
    public void Validate_WhenJpgIsAskedForATransparentResult_ShouldFailOnFormat(string kind)
    {
        EffectRequest effect = kind switch
        {
            "cutout" => new CutoutRequest(),
            "shadow" => new ShadowRequest(null, null, null, null),
            _ => new ColorRequest("255,255,255,128"),
        };

        var failure = Assert.Single(_validator.Validate(Command(effect, new OutputRequest("jpg"))).Errors);

        Assert.Equal("format", failure.PropertyName);
        Assert.Contains("transparen", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jpg")]
    [InlineData("JPEG")]
    [InlineData("webp")]
    public void Validate_WhenJpgOrWebpIsAskedForAnOpaqueResult_ShouldPass(string format)
    {
        Assert.True(_validator.Validate(Command(new BlurRequest(10), new OutputRequest(format))).IsValid);
        Assert.True(_validator.Validate(Command(new MaskRequest(), new OutputRequest(format))).IsValid);
        Assert.True(_validator.Validate(Command(new GradientRequest("#000", "#fff"), new OutputRequest(format))).IsValid);
    }

    [Fact]
    public void Validate_WhenOutputFieldsAreBad_ShouldNameEach()
    {
        var result = _validator.Validate(Command(new CutoutRequest(), new OutputRequest("gif", 0, true, -1)));

        Assert.Equal(["format", "quality", "crop_margin"], result.Errors.Select(e => e.PropertyName));
    }

    /// <summary>The field name as the validation behavior reports it to the client.</summary>
    private static string Field(FluentValidation.Results.ValidationFailure failure) =>
        FapiHub.Application.Common.Behaviors.ValidationBehavior<RemoveBackgroundCommand, FapiHub.Domain.Common.Result<ProcessedImage>>.FieldName(failure.PropertyName);

    private static RemoveBackgroundCommand Command(EffectRequest effect, OutputRequest? output = null) =>
        new(SomeBytes, null, effect, output ?? OutputRequest.Default);
}
