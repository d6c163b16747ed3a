using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FapiHub.ModelBuilder.Quantization;

/// <summary>The calibrated range of one activation tensor (float, before quantisation).</summary>
public sealed record TensorRange(double Min, double Max)
{
    /// <summary>The full extent seen over the calibration set, kept next to the chosen range for inspection.</summary>
    public double? ObservedMin { get; init; }

    public double? ObservedMax { get; init; }
}

/// <summary>
/// Per-tensor activation ranges measured by benchmarks/Calibration and committed under models/calibration/, so the
/// build quantises from a small JSON file and needs neither the evaluation images nor minutes of calibration. The
/// header says how the ranges were made (method, graph, resolution, images) so a table can be reproduced.
/// </summary>
public sealed record CalibrationTable
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>How the ranges were chosen from the histograms, e.g. <c>percentile-99.99</c> or <c>mse</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The graph the activations were recorded on (file name), and its SHA-256.</summary>
    public required string SourceGraph { get; init; }

    public string? SourceSha256 { get; init; }

    /// <summary>The square input side the graph ran at.</summary>
    public required int Resolution { get; init; }

    /// <summary>The calibration images, relative to the evaluation folder.</summary>
    public required IReadOnlyList<string> Images { get; init; }

    /// <summary>Ranges by tensor name; sorted by name when written so the file diffs cleanly.</summary>
    public required IReadOnlyDictionary<string, TensorRange> Tensors { get; init; }

    /// <summary>The range of <paramref name="tensor"/>, or a message naming it and the table when there is none.</summary>
    public TensorRange RangeOf(string tensor, string usedBy) =>
        Tensors.TryGetValue(tensor, out var range)
            ? range
            : throw new ModelBuilderException(
                ErrorCodes.BadRecipe,
                $"The calibration table ({Method}, {SourceGraph} at {Resolution}) has no range for tensor '{tensor}' ({usedBy}). " +
                "Re-run benchmarks/Calibration for this graph, or keep that node float in the quantiser options.");

    public static CalibrationTable Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    public static CalibrationTable Read(Stream stream, string source)
    {
        var table = JsonSerializer.Deserialize<CalibrationTable>(stream, Json)
            ?? throw new ModelBuilderException(ErrorCodes.BadRecipe, $"Calibration table '{source}' is empty.");
        foreach (var (name, range) in table.Tensors)
        {
            if (!double.IsFinite(range.Min) || !double.IsFinite(range.Max) || range.Min > range.Max)
            {
                throw new ModelBuilderException(
                    ErrorCodes.BadRecipe,
                    string.Create(CultureInfo.InvariantCulture, $"Calibration table '{source}': tensor '{name}' has an invalid range [{range.Min}, {range.Max}]."));
            }
        }

        return table;
    }

    public void Save(string path)
    {
        using var stream = File.Create(path);
        Write(stream);
    }

    public void Write(Stream stream)
    {
        var sorted = this with { Tensors = new SortedDictionary<string, TensorRange>(Tensors.ToDictionary(), StringComparer.Ordinal) };
        JsonSerializer.Serialize(stream, sorted, Json);
        stream.WriteByte((byte)'\n');
    }
}
