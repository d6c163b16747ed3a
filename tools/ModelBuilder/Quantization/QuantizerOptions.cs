namespace FapiHub.ModelBuilder.Quantization;

/// <summary>What <see cref="QdqQuantizer"/> quantises beyond the Conv → Relu pairs, and which nodes it leaves in float.</summary>
public sealed record QuantizerOptions
{
    /// <summary>Every fusable Conv → Relu pair in int8, everything between them in float.</summary>
    public static QuantizerOptions Default { get; } = new();

    /// <summary>
    /// The IS-Net recipe (docs/decisions/0011-int8-calibration.md): uint8 from the first convolution through the
    /// encoder, with float islands in the two highest-resolution decoder stages (<c>/stage1d/</c> at half the input's
    /// side, <c>/stage2d/</c>): their quantisation error is what turns into speckle where the matte is
    /// near 0.5 (amendment 3). Each stage's wide input convolution (<c>rebnconvin</c>, most of the stage's arithmetic)
    /// stays int8, which costs little noise (amendment 4). The side-output convolution the API reads and the decoder
    /// residual sums that moved the matte most when quantised alone are float too. Chosen on ECSSD images only
    /// (ecssd-wide and alphamatting are the scored sets).
    /// </summary>
    public static QuantizerOptions IsNet { get; } = new()
    {
        IntegerDataFlow = true,
        QuantizeUnfusedConvs = true,
        FloatNodes = new HashSet<string>(["/side1/Conv", "/stage1d/Add", "/stage3d/Add", "/stage4d/Add"], StringComparer.Ordinal),
        FloatScopes = ["/stage1d/", "/stage2d/"],
        QuantizedScopes = ["/stage1d/rebnconvin/", "/stage2d/rebnconvin/"],
    };

    /// <summary>Nodes (by name) kept float, e.g. a layer measured to be sensitive: a Conv keeps float weights, an Add or Concat a float output.</summary>
    public IReadOnlySet<string> FloatNodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Groups of nodes kept float, by name prefix (IS-Net names nodes by module path, so <c>/stage1d/</c> is the last
    /// decoder stage): each node whose name starts with one is treated as if listed in <see cref="FloatNodes"/>. The
    /// unit of the sensitivity sweep (ADR 11, amendment 3).
    /// </summary>
    public IReadOnlyList<string> FloatScopes { get; init; } = [];

    /// <summary>
    /// Groups of nodes quantised even inside a float scope, by name prefix: a float island may leave out its costliest
    /// layer (an IS-Net stage's wide input convolution, <c>/stage1d/rebnconvin/</c>, is most of the stage's
    /// arithmetic). <see cref="FloatNodes"/> still wins over this.
    /// </summary>
    public IReadOnlyList<string> QuantizedScopes { get; init; } = [];

    /// <summary>
    /// Whether the node named <paramref name="nodeName"/> stays float: listed, or inside a float scope and not inside
    /// a quantised one.
    /// </summary>
    public bool KeepsFloat(string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        if (FloatNodes.Contains(nodeName))
        {
            return true;
        }

        return !InScope(QuantizedScopes) && InScope(FloatScopes);

        bool InScope(IReadOnlyList<string> scopes)
        {
            foreach (var scope in scopes)
            {
                if (scope.Length > 0 && nodeName.StartsWith(scope, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Keep float the Convs that read a graph input directly (the first convolution sees the normalised pixels).
    /// </summary>
    public bool FloatInputConvs { get; init; }

    /// <summary>
    /// Also quantise the inputs and weights of Convs whose output is not a Relu (IS-Net's first convolution and its
    /// side outputs). ONNX Runtime fuses such a Conv into <c>QLinearConv</c> only when its output is quantised too:
    /// the first convolution's output is (it is the next Conv's input); a side output feeding a Sigmoid is not, so
    /// quantising it would cost precision for no speed (list it in <see cref="FloatNodes"/>).
    /// </summary>
    public bool QuantizeUnfusedConvs { get; init; }

    /// <summary>
    /// Carry uint8 through the data flow between the convolutions: MaxPool and Resize keep their input's quantisation
    /// (ONNX Runtime pools on uint8), Add and Concat whose inputs are all quantised get a calibrated output
    /// (<c>QLinearAdd</c>, <c>QLinearConcat</c>). Without it every Relu output is dequantised to float for them, and
    /// those float tensors at full resolution make up most of a run's memory.
    /// </summary>
    public bool IntegerDataFlow { get; init; }
}
