using FapiHub.Infrastructure.BackgroundRemoval.Onnx;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class RefinementSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fapihub-refinement-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Validate_WhenAuroraStyleRefinementIsConfigured_ShouldSucceed()
    {
        var result = new ModelCatalogOptionsValidator().Validate(null, Options(new ModelDefinition
        {
            File = "a.onnx",
            Refinement = MaskRefinement.ColorGuidedFilter,
            GuidedFilterRadius = 2,
            GuidedFilterEpsilon = 1e-4f,
            ConfidenceSnap = 0.05f,
            DecontaminateColors = true,
            FlipAverage = true,
        }));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(-0.01f)]
    [InlineData(0.3f)]
    [InlineData(float.NaN)]
    public void Validate_WhenConfidenceSnapIsOutOfRange_ShouldNameTheSetting(float snap)
    {
        var result = new ModelCatalogOptionsValidator().Validate(null, Options(new ModelDefinition
        {
            File = "a.onnx",
            Refinement = MaskRefinement.ColorGuidedFilter,
            ConfidenceSnap = snap,
        }));

        Assert.False(result.Succeeded);
        Assert.Contains("Models:Catalog:falcon:ConfidenceSnap", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public void Validate_WhenGuidedFilterSubsampleIsOutOfRange_ShouldNameTheSetting(int subsample)
    {
        var result = new ModelCatalogOptionsValidator().Validate(null, Options(new ModelDefinition
        {
            File = "a.onnx",
            Refinement = MaskRefinement.ColorGuidedFilter,
            GuidedFilterSubsample = subsample,
        }));

        Assert.False(result.Succeeded);
        Assert.Contains("Models:Catalog:falcon:GuidedFilterSubsample must be between 1", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Validate_WhenGuidedFilterSubsampleIsInRange_ShouldSucceed(int subsample)
    {
        var result = new ModelCatalogOptionsValidator().Validate(null, Options(new ModelDefinition
        {
            File = "a.onnx",
            Refinement = MaskRefinement.ColorGuidedFilter,
            GuidedFilterSubsample = subsample,
        }));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_WhenConfidenceSnapIsSetWithoutARefinement_ShouldExplainThatItNeedsOne()
    {
        var result = new ModelCatalogOptionsValidator().Validate(null, Options(new ModelDefinition { File = "a.onnx", ConfidenceSnap = 0.05f }));

        Assert.False(result.Succeeded);
        Assert.Contains("set Refinement too", result.FailureMessage, StringComparison.Ordinal);
    }

    private ModelCatalogOptions Options(ModelDefinition definition)
    {
        File.WriteAllBytes(Path.Combine(_directory, "a.onnx"), [0]);
        return new ModelCatalogOptions
        {
            Directory = _directory,
            Default = "falcon",
            Catalog = new(StringComparer.OrdinalIgnoreCase) { ["falcon"] = definition },
        };
    }
}
