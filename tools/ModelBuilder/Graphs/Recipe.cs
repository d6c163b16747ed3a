using System.Diagnostics.CodeAnalysis;

namespace FapiHub.ModelBuilder.Graphs;

/// <summary>The numeric format of a derived graph's weights and activations.</summary>
public enum Precision
{
    /// <summary>As the source: only the resolution (and the outputs) change.</summary>
    Fp16,

    /// <summary>Every float16 tensor widened to float32 and the Cast nodes around them removed.</summary>
    Fp32,

    /// <summary>Static QDQ int8 from a committed calibration table, applied to the fp32 graph.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "int8 is the name of the format, as in the manifest and the issue.")]
    Int8,
}

/// <summary>
/// How one catalogue graph is made from pinned weights: <paramref name="Weights"/> names a manifest entry,
/// <paramref name="Resolution"/> is the side of the square input, <paramref name="Output"/> the one output kept
/// (IS-Net's deep-supervision side outputs cost Resize work the API never reads).
/// </summary>
public sealed record Recipe(string Weights, Precision Precision, int Resolution, string Output = "output")
{
    public static Precision ParsePrecision(string value) =>
        TryParsePrecision(value, out var precision)
            ? precision
            : throw new ModelBuilderException(ErrorCodes.BadRecipe, $"unknown precision '{value}' (expected fp16, fp32 or int8)");

    /// <summary>The precision named <c>fp16</c>, <c>fp32</c> or <c>int8</c> (any case); <c>false</c> for anything else.</summary>
    public static bool TryParsePrecision(string? value, out Precision precision)
    {
        Precision? parsed = value?.Trim().ToUpperInvariant() switch
        {
            "FP16" => Precision.Fp16,
            "FP32" => Precision.Fp32,
            "INT8" => Precision.Int8,
            _ => null,
        };
        precision = parsed ?? default;
        return parsed is not null;
    }

    public override string ToString() => $"{Weights} {Precision.ToString().ToLowerInvariant()} {Resolution}x{Resolution}";
}
