using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Domain.BackgroundRemoval;

namespace FapiHub.UnitTests.Application;

public sealed class RemoveBackgroundCommandValidatorTests
{
    private static readonly byte[] SomeBytes = [1, 2, 3];
    private readonly RemoveBackgroundCommandValidator _validator = new(new FakeModelCatalog("falcon", "aurora", "ghost"));

    [Fact]
    public void Validate_WhenImageIsEmpty_ShouldFailNamingTheImageField()
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(ReadOnlyMemory<byte>.Empty, null, OutputKind.Cutout));

        var failure = Assert.Single(result.Errors);
        Assert.Equal("image", failure.PropertyName);
        Assert.Contains("'image'", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenModelIsUnknown_ShouldFailListingTheAllowedModels()
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(SomeBytes, "phantom", OutputKind.Cutout));

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
        var result = _validator.Validate(new RemoveBackgroundCommand(SomeBytes, model, OutputKind.Mask));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Validate_WhenBothFieldsAreBad_ShouldReportBoth()
    {
        var result = _validator.Validate(new RemoveBackgroundCommand(ReadOnlyMemory<byte>.Empty, "phantom", OutputKind.Cutout));

        Assert.Equal(["image", "model"], result.Errors.Select(e => e.PropertyName));
    }
}
