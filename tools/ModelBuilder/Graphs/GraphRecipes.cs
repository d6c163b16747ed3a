using System.Security.Cryptography;
using FapiHub.ModelBuilder.Quantization;
using Google.Protobuf;
using Onnx;

namespace FapiHub.ModelBuilder.Graphs;

/// <summary>A derived graph written to disk: what the manifest pins.</summary>
public sealed record DerivedFile(string Path, long Bytes, string Sha256);

/// <summary>
/// The public entry point for deriving catalogue graphs: used by the build (models/manifest.json "derived") and meant
/// for the API to derive a configured recipe at start-up. Every step is a pure ModelProto → ModelProto function and
/// protobuf serialises fields in a fixed order, so the same source and recipe give the same bytes on every run.
/// </summary>
public static class GraphRecipes
{
    /// <summary>Metadata key recording the recipe in the derived file, so a file can say what it is.</summary>
    public const string RecipeMetadataKey = "fapihub.recipe";

    /// <summary>Reads <paramref name="sourceOnnx"/>, applies <paramref name="recipe"/> and writes the result atomically
    /// (temp file + rename) to <paramref name="outputPath"/>.</summary>
    public static DerivedFile Derive(string sourceOnnx, Recipe recipe, string? calibrationTablePath, string outputPath) =>
        Derive(Load(sourceOnnx), recipe, calibrationTablePath, outputPath);

    /// <summary>As <see cref="Derive(string, Recipe, string?, string)"/> from an already parsed source (the build
    /// derives several graphs from one download and parses it once).</summary>
    public static DerivedFile Derive(ModelProto source, Recipe recipe, string? calibrationTablePath, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var calibration = LoadCalibration(recipe, calibrationTablePath);
        var bytes = Serialize(Apply(source, recipe, calibration));
        AtomicFile.Write(outputPath, bytes);
        return new DerivedFile(outputPath, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>Applies a recipe in memory: keep the one output, widen to fp32 (fp32 and int8), rescale, quantise (int8).
    /// <paramref name="source"/> is not modified.</summary>
    public static ModelProto Apply(ModelProto source, Recipe recipe, CalibrationTable? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(recipe);
        if (recipe.Precision == Precision.Int8 && calibration is null)
        {
            throw new ModelBuilderException(ErrorCodes.BadRecipe, $"{recipe}: an int8 recipe needs a calibration table");
        }

        // Pruning first: the later passes then touch only what the kept output needs.
        var model = OutputPruner.KeepOnly(source, recipe.Output);
        if (recipe.Precision is Precision.Fp32 or Precision.Int8)
        {
            model = Fp32Converter.Convert(model);
        }

        model = ResizeRescaler.Rescale(model, recipe.Resolution);
        if (recipe.Precision == Precision.Int8)
        {
            model = QdqQuantizer.Quantize(model, calibration!, QuantizerOptions.IsNet);
        }

        var existing = model.MetadataProps.FirstOrDefault(p => p.Key == RecipeMetadataKey);
        if (existing is not null)
        {
            model.MetadataProps.Remove(existing);
        }

        model.MetadataProps.Add(new StringStringEntryProto { Key = RecipeMetadataKey, Value = recipe.ToString() });
        return model;
    }

    public static ModelProto Load(string path)
    {
        using var stream = File.OpenRead(path);
        return ModelProto.Parser.ParseFrom(stream);
    }

    /// <summary>Google.Protobuf writes fields in field-number order and repeated fields in list order (ONNX has no map
    /// fields), so this is deterministic for a given message.</summary>
    public static byte[] Serialize(ModelProto model) => model.ToByteArray();

    private static CalibrationTable? LoadCalibration(Recipe recipe, string? path)
    {
        if (recipe.Precision != Precision.Int8)
        {
            return null;
        }

        if (path is null || !File.Exists(path))
        {
            throw new ModelBuilderException(ErrorCodes.BadRecipe,
                $"{recipe}: an int8 recipe needs a calibration table, and {(path is null ? "none was given" : $"{path} does not exist")}");
        }

        return CalibrationTable.Load(path);
    }
}
