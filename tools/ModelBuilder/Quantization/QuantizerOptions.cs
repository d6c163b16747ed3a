namespace FapiHub.ModelBuilder.Quantization;

/// <summary>Which convolutions <see cref="QdqQuantizer"/> leaves in float.</summary>
public sealed record QuantizerOptions
{
    /// <summary>The IS-Net recipe (docs/decisions/0011-int8-calibration.md): every fusable Conv in int8.</summary>
    public static QuantizerOptions Default { get; } = new();

    /// <summary>Conv nodes (by node name) kept float, e.g. a layer measured to be sensitive.</summary>
    public IReadOnlySet<string> FloatConvs { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Keep float the Convs that read a graph input directly (the first convolution sees the normalised pixels).
    /// </summary>
    public bool FloatInputConvs { get; init; }

    /// <summary>
    /// Also quantise the inputs and weights of Convs whose output is not a Relu (IS-Net's side outputs, which feed
    /// Resize and Sigmoid). ONNX Runtime fuses a Conv into <c>QLinearConv</c> only when its output is quantised too,
    /// and these have no Relu to carry that range, so by default they stay float: quantising them would cost
    /// precision and gain no speed.
    /// </summary>
    public bool QuantizeUnfusedConvs { get; init; }
}
