using FapiHub.Infrastructure.BackgroundRemoval.Onnx;
using Microsoft.Extensions.Options;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fapihub-catalog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TryResolve_WhenNameIsOmittedOrCased_ShouldResolveToTheCatalogueName()
    {
        var catalog = new ModelCatalog(Options.Create(Configured()));

        Assert.True(catalog.TryResolve(null, out var omitted));
        Assert.True(catalog.TryResolve(" ", out var blank));
        Assert.True(catalog.TryResolve("GHOST", out var cased));
        Assert.Equal(("falcon", "falcon", "ghost"), (omitted, blank, cased));
        Assert.False(catalog.TryResolve("phantom", out _));
    }

    [Fact]
    public void Names_WhenConfigured_ShouldListEveryModelSorted()
    {
        var catalog = new ModelCatalog(Options.Create(Configured()));

        Assert.Equal(["aurora", "falcon", "ghost"], catalog.Names);
        Assert.Equal("falcon", catalog.DefaultModel);
    }

    [Fact]
    public void Get_WhenModelsShareAFile_ShouldResolveTheSameAbsolutePath()
    {
        var catalog = new ModelCatalog(Options.Create(Configured()));

        Assert.Equal(Path.Combine(_directory, "a.onnx"), catalog.Get("falcon").FilePath);
        Assert.Equal(catalog.Get("falcon").FilePath, catalog.Get("aurora").FilePath);
        Assert.Equal(MaskRefinement.GuidedFilter, catalog.Get("aurora").Definition.Refinement);
    }

    [Fact]
    public void Validate_WhenEveryFileExists_ShouldSucceed()
    {
        File.WriteAllBytes(Path.Combine(_directory, "a.onnx"), [0]);
        File.WriteAllBytes(Path.Combine(_directory, "b.onnx"), [0]);

        var result = new ModelCatalogOptionsValidator().Validate(null, Configured());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_WhenAFileIsMissing_ShouldNameTheSettingAndTheFix()
    {
        File.WriteAllBytes(Path.Combine(_directory, "a.onnx"), [0]);

        var result = new ModelCatalogOptionsValidator().Validate(null, Configured());

        Assert.True(result.Failed);
        Assert.Contains("Models:Catalog:ghost:File", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("tools/ModelBuilder", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenARecipesFileIsMissingButItsInputsExist_ShouldPassBecauseStartUpDerivesIt()
    {
        File.WriteAllBytes(Path.Combine(_directory, "a.onnx"), [0]);
        File.WriteAllText(Path.Combine(_directory, "table.json"), "{}");
        var options = Configured();
        options.Catalog["ghost"] = new ModelDefinition
        {
            File = "derived-int8-640.onnx",
            Recipe = new ModelRecipe { Weights = "a.onnx", Precision = "int8", Resolution = 640, Calibration = "table.json" },
        };

        var result = new ModelCatalogOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_WhenARecipesFileExistsWithoutItsInputs_ShouldPassBecauseTheGraphIsServedAsItIs()
    {
        // A published app or a container image carries the served graphs, not the weights and tables they came from.
        File.WriteAllBytes(Path.Combine(_directory, "a.onnx"), [0]);
        File.WriteAllBytes(Path.Combine(_directory, "served-int8-1024.onnx"), [0]);
        var options = Configured();
        options.Catalog["ghost"] = new ModelDefinition
        {
            File = "served-int8-1024.onnx",
            Recipe = new ModelRecipe { Weights = "not-shipped.onnx", Precision = "int8", Resolution = 1024, Calibration = "not-shipped.json" },
        };

        var result = new ModelCatalogOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_WhenAlsoAverageNamesNoOtherModel_ShouldNameTheKey()
    {
        File.WriteAllBytes(Path.Combine(_directory, "a.onnx"), [0]);
        File.WriteAllBytes(Path.Combine(_directory, "b.onnx"), [0]);
        var options = Configured();
        options.Catalog["aurora"].AlsoAverage = "phantom";
        options.Catalog["ghost"].AlsoAverage = "ghost";

        var failures = new ModelCatalogOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("Models:Catalog:aurora:AlsoAverage is 'phantom'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Models:Catalog:ghost:AlsoAverage is 'ghost'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WhenARecipeIsBad_ShouldNameEachKeyAndWhatIsAllowed()
    {
        File.WriteAllBytes(Path.Combine(_directory, "a.onnx"), [0]);
        var options = Configured();
        options.Catalog["ghost"] = new ModelDefinition { File = "x.onnx", Recipe = new ModelRecipe { Weights = "missing.onnx", Precision = "int4", Resolution = 8 } };
        options.Catalog["aurora"] = new ModelDefinition { File = "y.onnx", Recipe = new ModelRecipe { Weights = "a.onnx", Precision = "int8", Resolution = 1024 } };

        var failures = new ModelCatalogOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("Models:Catalog:ghost:Recipe:Weights", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Models:Catalog:ghost:Recipe:Precision is 'int4'; use fp16, fp32 or int8", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Models:Catalog:ghost:Recipe:Resolution", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Models:Catalog:aurora:Recipe:Calibration is required for int8", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WhenDefaultIsNotInTheCatalogueOrSettingsAreOutOfRange_ShouldFailForEach()
    {
        var options = Configured();
        options.Default = "phantom";
        options.Catalog["ghost"].InputSize = 0;
        options.Catalog["ghost"].Std = [1, 0, 1];

        var failures = new ModelCatalogOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("Models:Default", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("InputSize", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Std", StringComparison.Ordinal));
    }

    private ModelCatalogOptions Configured() => new()
    {
        Directory = _directory,
        Default = "falcon",
        Catalog = new(StringComparer.OrdinalIgnoreCase)
        {
            ["falcon"] = new ModelDefinition { File = "a.onnx" },
            ["aurora"] = new ModelDefinition { File = "a.onnx", Refinement = MaskRefinement.GuidedFilter },
            ["ghost"] = new ModelDefinition { File = "b.onnx" },
        },
    };
}
