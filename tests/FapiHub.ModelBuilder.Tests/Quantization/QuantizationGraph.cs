using FapiHub.ModelBuilder.Quantization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace FapiHub.ModelBuilder.Tests.Quantization;

/// <summary>
/// A fp32 graph with IS-Net's shape in miniature, built in memory: one residual U-block and a side output.
/// x → conv1 → Relu (r1) → MaxPool → conv2 → Relu → Resize ×2 → Concat with r1 → conv4 → Relu → Add r1 → conv3 →
/// Sigmoid. Three Conv → Relu pairs to fuse, a pooled input, an upsampled one, a skip concatenation, a residual sum,
/// and a side-output Conv feeding a Sigmoid.
/// </summary>
internal static class QuantizationGraph
{
    public const int Side = 16;

    public static ModelProto Build()
    {
        var random = new Random(11);
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(FloatValue("x", [1, 3, Side, Side]));
        graph.Output.Add(FloatValue("y", [1, 1, Side, Side]));
        AddConv(graph, random, "conv1", "x", "c1", outputs: 8, inputs: 3);
        graph.Node.Add(Node("Relu", "relu1", ["c1"], ["r1"]));
        var pool = Node("MaxPool", "pool", ["r1"], ["p1"]);
        pool.Attribute.Add(Ints("kernel_shape", 2, 2));
        pool.Attribute.Add(Ints("strides", 2, 2));
        graph.Node.Add(pool);
        AddConv(graph, random, "conv2", "p1", "c2", outputs: 8, inputs: 8);
        graph.Node.Add(Node("Relu", "relu2", ["c2"], ["r2"]));
        var sizes = new TensorProto { Name = "up.sizes", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 4 } };
        sizes.Int64Data.AddRange([1, 8, Side, Side]);
        graph.Initializer.Add(sizes);
        var up = Node("Resize", "up", ["r2", "", "", "up.sizes"], ["u2"]);
        up.Attribute.Add(new AttributeProto { Name = "mode", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("linear") });
        up.Attribute.Add(new AttributeProto { Name = "coordinate_transformation_mode", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("half_pixel") });
        graph.Node.Add(up);
        var concat = Node("Concat", "concat", ["u2", "r1"], ["k"]);
        concat.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(concat);
        AddConv(graph, random, "conv4", "k", "c4", outputs: 8, inputs: 16);
        graph.Node.Add(Node("Relu", "relu4", ["c4"], ["r4"]));
        graph.Node.Add(Node("Add", "add", ["r4", "r1"], ["a"]));
        AddConv(graph, random, "conv3", "a", "c3", outputs: 1, inputs: 8);
        graph.Node.Add(Node("Sigmoid", "sigmoid", ["c3"], ["y"]));
        var model = new ModelProto { IrVersion = 8, ProducerName = "FapiHub.UnitTests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 15 });
        return model;
    }

    /// <summary>Inputs in the range of IS-Net's normalised pixels, (v − 128)/256 ∈ [−0.5, 0.5).</summary>
    public static float[] Input(int seed)
    {
        var random = new Random(seed);
        var values = new float[3 * Side * Side];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5);
        }

        return values;
    }

    /// <summary>Min/max ranges of every tensor the quantiser needs, recorded by running the float graph on a few inputs.</summary>
    public static CalibrationTable Calibrate(ModelProto model, params int[] seeds)
    {
        var tensors = QdqQuantizer.TensorsToCalibrate(model);
        var exposed = model.Clone();
        foreach (var tensor in tensors.Where(t => t != "x"))
        {
            exposed.Graph.Output.Add(new ValueInfoProto { Name = tensor, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } });
        }

        using var session = new InferenceSession(exposed.ToByteArray());
        var histograms = tensors.ToDictionary(t => t, _ => new ActivationHistogram());
        foreach (var seed in seeds)
        {
            var input = Input(seed);
            histograms["x"].Add(input);
            using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, Side, Side]);
            var names = tensors.Where(t => t != "x").ToArray();
            using var outputs = session.Run(new RunOptions(), ["x"], [value], names);
            for (var i = 0; i < names.Length; i++)
            {
                histograms[names[i]].Add(outputs[i].GetTensorDataAsSpan<float>());
            }
        }

        return new CalibrationTable
        {
            Method = "minmax",
            SourceGraph = "tiny",
            Resolution = Side,
            Images = [.. seeds.Select(s => $"seed {s}")],
            Tensors = histograms.ToDictionary(h => h.Key, h => new TensorRange(h.Value.Min, h.Value.Max)),
        };
    }

    public static float[] Run(byte[] model, float[] input)
    {
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, Side, Side]);
        using var outputs = session.Run(new RunOptions(), ["x"], [value], ["y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The op types of the graph ONNX Runtime actually runs (default optimisation level), saved and read back.</summary>
    public static List<string> OptimisedOpTypes(byte[] model)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fapihub-optimised-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { OptimizedModelFilePath = path })
            using (new InferenceSession(model, options))
            {
            }

            return [.. ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType)];
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AddConv(GraphProto graph, Random random, string name, string input, string output, int outputs, int inputs)
    {
        var kernel = name == "conv3" ? 1 : 3;
        var weights = new float[outputs * inputs * kernel * kernel];
        var fanIn = inputs * kernel * kernel;
        for (var i = 0; i < weights.Length; i++)
        {
            // He-like scale, so activations keep a similar range from layer to layer as in a trained network.
            weights[i] = (float)((random.NextDouble() - 0.5) * 2 * Math.Sqrt(6.0 / fanIn));
        }

        var bias = new float[outputs];
        for (var i = 0; i < bias.Length; i++)
        {
            bias[i] = (float)((random.NextDouble() - 0.5) * 0.2);
        }

        graph.Initializer.Add(FloatTensor($"{name}.weight", [outputs, inputs, kernel, kernel], weights));
        graph.Initializer.Add(FloatTensor($"{name}.bias", [outputs], bias));
        var conv = Node("Conv", name, [input, $"{name}.weight", $"{name}.bias"], [output]);
        conv.Attribute.Add(Ints("kernel_shape", kernel, kernel));
        conv.Attribute.Add(Ints("pads", kernel / 2, kernel / 2, kernel / 2, kernel / 2));
        graph.Node.Add(conv);
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static TensorProto FloatTensor(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    private static ValueInfoProto FloatValue(string name, long[] shape)
    {
        var type = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        foreach (var dim in shape)
        {
            type.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = type } };
    }
}
