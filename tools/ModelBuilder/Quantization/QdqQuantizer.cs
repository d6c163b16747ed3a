using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace FapiHub.ModelBuilder.Quantization;

/// <summary>
/// Static int8 quantisation in the QDQ form: QuantizeLinear/DequantizeLinear pairs around float operators, which ONNX
/// Runtime's graph optimiser turns into integer kernels where the pattern allows. For each <c>Conv → Relu</c>: Q/DQ
/// on the Conv's input (uint8, asymmetric, calibrated), its weights (int8, symmetric per output channel), its bias
/// (int32 at s_x·s_w) and the Relu's output (uint8, calibrated); ONNX Runtime drops the Relu (a uint8 Q with zero
/// point 0 clamps at 0 anyway) and fuses <c>DQ → Conv → Q</c> into <c>QLinearConv</c> (u8s8, VNNI on AVX-512).
/// With <see cref="QuantizerOptions.IntegerDataFlow"/> the tensors between the convolutions stay uint8 too (MaxPool,
/// Concat, Add; Resize only between a DQ and a Q), so a run holds bytes, not floats, at full resolution; without it
/// the Q/DQ after each Relu hands MaxPool, Concat, Add and Resize a float tensor again.
/// <para>
/// A pure function of its inputs: no clock, no randomness, nodes in graph order, so the same graph and table give
/// the same bytes (the derived file's SHA-256 is pinned in models/manifest.json).
/// </para>
/// </summary>
public static class QdqQuantizer
{
    private const int FloatType = (int)TensorProto.Types.DataType.Float;

    /// <summary>
    /// Every activation tensor whose range <see cref="Quantize"/> may look up, with either data flow and every Conv
    /// quantised: what benchmarks/Calibration records, so the options can change without recalibrating.
    /// </summary>
    public static IReadOnlyList<string> TensorsToCalibrate(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var everything = new QuantizerOptions { QuantizeUnfusedConvs = true };
        return [.. Calibrated(everything).Union(Calibrated(everything with { IntegerDataFlow = true }), StringComparer.Ordinal)];

        IEnumerable<string> Calibrated(QuantizerOptions options)
        {
            var plan = Plan(model.Graph, options);
            return plan.Activations.Where(plan.UsedBy.ContainsKey);
        }
    }

    public static ModelProto Quantize(ModelProto fp32, CalibrationTable table, QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        var opset = fp32.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < 13)
        {
            throw new ModelBuilderException(ErrorCodes.BadRecipe, $"Per-channel QDQ needs opset 13 or later; the graph has opset {opset}.");
        }

        var model = fp32.Clone();
        var graph = model.Graph;
        var plan = Plan(graph, options);
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);

        // Activation quantisation parameters, by tensor: every range is looked up before anything is written, so a
        // missing entry fails with its name and no half-built graph exists.
        var activations = new Dictionary<string, ActivationQuantization>(StringComparer.Ordinal);
        foreach (var tensor in plan.Activations.Where(plan.UsedBy.ContainsKey))
        {
            var range = table.RangeOf(tensor, plan.UsedBy[tensor]);
            activations[tensor] = ActivationQuantization.From(tensor, range);
            graph.Initializer.Add(Scalar(activations[tensor].ScaleName, activations[tensor].Scale));
            graph.Initializer.Add(ZeroPointU8(activations[tensor].ZeroPointName, activations[tensor].ZeroPoint));
        }

        // Then the tensors that take another's parameters, in graph order (a pass-through may follow a borrowed sum):
        // MaxPool and Resize only move or blend values, so their output keeps the input's scale and zero point (ONNX
        // Runtime then drops the DQ → MaxPool → Q and pools on uint8; a linear Resize it keeps in float between the two,
        // since its own uint8 linear Resize truncates, which collapsed the masks, so only that upsampled tensor is float,
        // and only until its Q); a borrowed sum takes its Concat's.
        foreach (var (tensor, source) in plan.SharesParametersOf)
        {
            activations[tensor] = activations[source] with { Tensor = tensor };
        }

        var nodes = new List<NodeProto>(graph.Node.Count * 2);
        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in plan.Activations.Where(graphInputs.Contains))
        {
            nodes.AddRange(activations[tensor].Nodes());
        }

        var replaced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (plan.Convs.Contains(node))
            {
                var input = activations[node.Input[0]];
                nodes.AddRange(QuantizeConvParameters(graph, node, input.Scale, initializers, replaced));
                node.Input[0] = input.DequantizedName;
            }

            for (var i = 0; i < node.Input.Count; i++)
            {
                // Every consumer of a quantised tensor reads the dequantised copy (a Relu's only consumer must be its Q
                // for ONNX Runtime to drop it); ONNX Runtime then fuses each consumer that has an integer kernel.
                if (plan.IsQuantized(node.Input[i]))
                {
                    node.Input[i] = activations[node.Input[i]].DequantizedName;
                }
            }

            nodes.Add(node);
            foreach (var output in node.Output.Where(activations.ContainsKey))
            {
                nodes.AddRange(activations[output].Nodes());
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);

        // The float weights and biases the int8 ones replace are dropped unless something else still reads them.
        var stillRead = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        var obsolete = graph.Initializer.Where(t => replaced.Contains(t.Name) && !stillRead.Contains(t.Name)).ToList();
        foreach (var tensor in obsolete)
        {
            graph.Initializer.Remove(tensor);
        }

        return model;
    }

    /// <summary>Which Convs are quantised and which activation tensors are, in graph order, each once.</summary>
    private static QuantizationPlan Plan(GraphProto graph, QuantizerOptions options)
    {
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (!consumers.TryGetValue(input, out var list))
                {
                    consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var plan = new QuantizationPlan();
        var convInputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var reluOutputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var conv in graph.Node.Where(n => n.OpType == "Conv" && n.Domain is "" or "ai.onnx"))
        {
            var name = DisplayName(conv);
            if (options.KeepsFloat(conv.Name) || (options.FloatInputConvs && graphInputs.Contains(conv.Input[0])))
            {
                continue;
            }

            var relu = consumers.GetValueOrDefault(conv.Output[0]) is [{ OpType: "Relu" } only] && !graphOutputs.Contains(conv.Output[0])
                && !graphOutputs.Contains(only.Output[0])
                ? only
                : null;
            if (relu is null && !options.QuantizeUnfusedConvs)
            {
                continue;
            }

            RequireFloatInitializer(conv, 1, "weight", initializers);
            if (conv.Input.Count > 2 && conv.Input[2].Length > 0)
            {
                RequireFloatInitializer(conv, 2, "bias", initializers);
            }

            plan.Convs.Add(conv);
            convInputs.TryAdd(conv.Input[0], $"input of Conv '{name}'");
            if (relu is not null)
            {
                reluOutputs.TryAdd(relu.Output[0], $"output of Relu '{DisplayName(relu)}' after Conv '{name}'");
            }
        }

        // Each tensor is decided where it is produced, in graph order, so a node's inputs are decided before it.
        foreach (var input in graph.Input.Where(i => convInputs.ContainsKey(i.Name)))
        {
            plan.Need(input.Name, convInputs[input.Name]);
        }

        foreach (var node in graph.Node)
        {
            if (node.Output.Count != 1 || graphOutputs.Contains(node.Output[0]))
            {
                continue;
            }

            var output = node.Output[0];
            var inputs = node.Input.Where(i => i.Length > 0 && !initializers.ContainsKey(i)).ToList();
            if (reluOutputs.TryGetValue(output, out var reluUse))
            {
                plan.Need(output, reluUse);
            }
            else if (options.IntegerDataFlow && node.OpType is "MaxPool" or "Resize" && plan.IsQuantized(node.Input[0]))
            {
                plan.PassThrough(output, node.Input[0]);
            }
            else if (options.IntegerDataFlow && node.OpType is "Add" && options.KeepsFloat(node.Name)
                && ConcatReachedThroughPassThrough(output) is { } concat)
            {
                // A sum listed float has no range of its own (quantised at its own range, it moved the matte): it is
                // quantised at the range of the Concat it feeds, one more rounding at that scale ahead of the Resize.
                // ONNX Runtime then fuses it into QLinearAdd, and the Concat runs on uint8 instead of holding float
                // tensors at the decoder's resolution, the largest of a run (ADR 11, amendment 2).
                plan.Borrow(output, concat);
            }
            else if (options.IntegerDataFlow && node.OpType is "Add" or "Concat" && !options.KeepsFloat(node.Name)
                && inputs.Count > 1 && inputs.All(plan.IsQuantized))
            {
                plan.Need(output, convInputs.GetValueOrDefault(output) ?? $"output of {node.OpType} '{DisplayName(node)}'");
            }
            else if (convInputs.TryGetValue(output, out var convUse))
            {
                plan.Need(output, convUse);
            }
        }

        // A Conv input no node above produced alone (an output of a multi-output node) is still calibrated.
        foreach (var (tensor, use) in convInputs.Where(c => !plan.IsQuantized(c.Key)))
        {
            plan.Need(tensor, use);
        }

        return plan;

        // The output of the Concat that the tensor alone reaches through MaxPool/Resize, when the Concat's other inputs
        // are quantised already (so it will be too); otherwise null.
        string? ConcatReachedThroughPassThrough(string tensor)
        {
            var path = tensor;
            while (consumers.GetValueOrDefault(path)?.Where(c => c.OpType != "Shape").ToList() is [var next] && !graphOutputs.Contains(path))
            {
                if (next.OpType is "MaxPool" or "Resize" && next.Input[0] == path && next.Output.Count == 1)
                {
                    path = next.Output[0];
                    continue;
                }

                var others = next.Input.Where(i => i.Length > 0 && i != path && !initializers.ContainsKey(i));
                return next.OpType == "Concat" && !options.KeepsFloat(next.Name) && others.All(plan.IsQuantized)
                    ? next.Output[0]
                    : null;
            }

            return null;
        }
    }

    private static void RequireFloatInitializer(NodeProto conv, int index, string role, Dictionary<string, TensorProto> initializers)
    {
        var tensor = conv.Input[index];
        if (!initializers.TryGetValue(tensor, out var initializer) || initializer.DataType != FloatType)
        {
            throw new ModelBuilderException(
                ErrorCodes.BadRecipe,
                $"Conv '{DisplayName(conv)}': its {role} '{tensor}' is not an fp32 initializer. Quantise the fp32 graph " +
                "(the fp16 download's weights sit behind Cast nodes: convert it first).");
        }
    }

    /// <summary>
    /// The Conv's weight (int8, symmetric per output channel: zero point 0, scale max|w|/127) and bias (int32 at
    /// s_x·s_w, the accumulator's own scale, so QLinearConv adds it without rescaling), each behind a
    /// DequantizeLinear on axis 0. The Conv is rewired to read the dequantised tensors.
    /// </summary>
    private static List<NodeProto> QuantizeConvParameters(
        GraphProto graph, NodeProto conv, float inputScale, Dictionary<string, TensorProto> initializers, HashSet<string> replaced)
    {
        var prefix = conv.Output[0];
        var weight = initializers[conv.Input[1]];
        var values = FloatValues(weight);
        var channels = checked((int)weight.Dims[0]);
        var perChannel = values.Length / channels;
        var scales = new float[channels];
        var quantized = new sbyte[values.Length];
        for (var c = 0; c < channels; c++)
        {
            var slice = values.AsSpan(c * perChannel, perChannel);
            var absMax = 0f;
            foreach (var v in slice)
            {
                absMax = Math.Max(absMax, Math.Abs(v));
            }

            // An all-zero channel still needs a positive scale; its codes are 0 whatever the scale.
            scales[c] = absMax > 0f ? absMax / 127f : 1f;
            for (var i = 0; i < perChannel; i++)
            {
                quantized[(c * perChannel) + i] = (sbyte)Math.Clamp(Math.Round(slice[i] / scales[c], MidpointRounding.ToEven), -127, 127);
            }
        }

        var nodes = new List<NodeProto>(2);
        var weightName = $"{prefix}/weight";
        graph.Initializer.Add(Tensor($"{weightName}_quantized", TensorProto.Types.DataType.Int8, weight.Dims, MemoryMarshal.AsBytes(quantized.AsSpan())));
        graph.Initializer.Add(Tensor($"{weightName}_scale", TensorProto.Types.DataType.Float, [channels], MemoryMarshal.AsBytes(scales.AsSpan())));
        graph.Initializer.Add(Tensor($"{weightName}_zero_point", TensorProto.Types.DataType.Int8, [channels], new byte[channels]));
        nodes.Add(Dequantize(weightName, axis: 0));
        replaced.Add(conv.Input[1]);
        conv.Input[1] = $"{weightName}_dequantized";

        if (conv.Input.Count > 2 && conv.Input[2].Length > 0)
        {
            var bias = FloatValues(initializers[conv.Input[2]]);
            var biasScales = new float[channels];
            var biasCodes = new int[channels];
            for (var c = 0; c < channels; c++)
            {
                // The product in float, as ONNX Runtime forms it, so the int32 codes sit on its exact scale.
                biasScales[c] = inputScale * scales[c];
                biasCodes[c] = (int)Math.Clamp(Math.Round(bias[c] / (double)biasScales[c], MidpointRounding.ToEven), int.MinValue, int.MaxValue);
            }

            var biasName = $"{prefix}/bias";
            graph.Initializer.Add(Tensor($"{biasName}_quantized", TensorProto.Types.DataType.Int32, [channels], Int32LittleEndian(biasCodes)));
            graph.Initializer.Add(Tensor($"{biasName}_scale", TensorProto.Types.DataType.Float, [channels], MemoryMarshal.AsBytes(biasScales.AsSpan())));
            graph.Initializer.Add(Tensor($"{biasName}_zero_point", TensorProto.Types.DataType.Int32, [channels], new byte[channels * 4]));
            nodes.Add(Dequantize(biasName, axis: 0));
            replaced.Add(conv.Input[2]);
            conv.Input[2] = $"{biasName}_dequantized";
        }

        return nodes;
    }

    private static NodeProto Dequantize(string baseName, long? axis)
    {
        var node = new NodeProto
        {
            Name = $"{baseName}/DequantizeLinear",
            OpType = "DequantizeLinear",
            Input = { $"{baseName}_quantized", $"{baseName}_scale", $"{baseName}_zero_point" },
            Output = { $"{baseName}_dequantized" },
        };
        if (axis is { } a)
        {
            node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = a });
        }

        return node;
    }

    private static float[] FloatValues(TensorProto tensor)
    {
        if (tensor.FloatData.Count > 0)
        {
            return [.. tensor.FloatData];
        }

        var bytes = tensor.RawData.Span;
        var values = new float[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
        }

        return values;
    }

    private static byte[] Int32LittleEndian(int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private static TensorProto Tensor(string name, TensorProto.Types.DataType type, IEnumerable<long> dims, ReadOnlySpan<byte> raw)
    {
        // Raw data is little-endian by the ONNX spec; the float arrays are copied as they are (the build runs on x64 and arm64).
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static TensorProto Scalar(string name, float value) =>
        Tensor(name, TensorProto.Types.DataType.Float, [], BitConverter.GetBytes(value));

    private static TensorProto ZeroPointU8(string name, byte value) =>
        Tensor(name, TensorProto.Types.DataType.Uint8, [], [value]);

    private static string DisplayName(NodeProto node) => node.Name.Length > 0 ? node.Name : node.Output[0];

    private sealed class QuantizationPlan
    {
        public HashSet<NodeProto> Convs { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>Every quantised activation (calibrated, or sharing another's parameters), in graph order.</summary>
        public List<string> Activations { get; } = [];

        /// <summary>The calibrated ones: which node needs each range (named when the table lacks it).</summary>
        public Dictionary<string, string> UsedBy { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// Tensors quantised with another's scale and zero point, by that tensor, in graph order: a pass-through's input
        /// (<see cref="PassThrough"/>) or a borrowed sum's Concat (<see cref="Borrow"/>).
        /// </summary>
        public List<(string Tensor, string Source)> SharesParametersOf { get; } = [];

        private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

        /// <summary>Whether the tensor is quantised: then every consumer reads its dequantised copy.</summary>
        public bool IsQuantized(string tensor) => _consumed.Contains(tensor);

        public void Need(string tensor, string usedBy)
        {
            if (UsedBy.TryAdd(tensor, usedBy) && _consumed.Add(tensor))
            {
                Activations.Add(tensor);
            }
        }

        /// <summary>A float sum quantised at the range of the Concat it reaches (resolved after every calibrated range).</summary>
        public void Borrow(string tensor, string concat) => Share(tensor, concat);

        /// <summary>A MaxPool or Resize output with its input's quantisation.</summary>
        public void PassThrough(string tensor, string source) => Share(tensor, source);

        private void Share(string tensor, string source)
        {
            if (_consumed.Add(tensor))
            {
                SharesParametersOf.Add((tensor, source));
                Activations.Add(tensor);
            }
        }
    }

    /// <summary>
    /// uint8, asymmetric: [min, max] widened to hold 0 (zero padding must be exact), 255 steps; the zero point is 0 for
    /// a Relu output, which is what lets ONNX Runtime drop the Relu.
    /// </summary>
    private sealed record ActivationQuantization(string Tensor, float Scale, byte ZeroPoint, string ScaleName, string ZeroPointName)
    {
        public string DequantizedName => $"{Tensor}_dequantized";

        public static ActivationQuantization From(string tensor, TensorRange range)
        {
            var min = Math.Min(range.Min, 0d);
            var max = Math.Max(range.Max, 0d);
            var scale = max - min > 1e-12 ? (float)((max - min) / 255d) : 1f;
            var zeroPoint = (byte)Math.Clamp(Math.Round(-min / scale, MidpointRounding.ToEven), 0, 255);
            return new ActivationQuantization(tensor, scale, zeroPoint, $"{tensor}_scale", $"{tensor}_zero_point");
        }

        public IEnumerable<NodeProto> Nodes()
        {
            yield return new NodeProto
            {
                Name = $"{Tensor}/QuantizeLinear",
                OpType = "QuantizeLinear",
                Input = { Tensor, ScaleName, ZeroPointName },
                Output = { $"{Tensor}_quantized" },
            };
            yield return new NodeProto
            {
                Name = $"{Tensor}/DequantizeLinear",
                OpType = "DequantizeLinear",
                Input = { $"{Tensor}_quantized", ScaleName, ZeroPointName },
                Output = { DequantizedName },
            };
        }
    }
}
