using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace FapiHub.ModelBuilder.Tests;

/// <summary>
/// A miniature of the pinned IS-Net export, with the same traits the builder relies on: a float input cast to
/// float16, float16 initialisers, Conv → Relu → MaxPool, each Resize wrapped in Casts to float and back and sized by
/// <c>Concat(Shape(x)[0:2], Constant([h, w]))</c>, skip Concats, the output Casts listed first (not topological, as
/// in the real file) and a side output.
/// </summary>
internal static class TinyGraph
{
    public const string SideOutput = "side";

    /// <summary>The inner Resize, baked at size / 2 (the outer one is baked at size).</summary>
    public const string InnerResize = "/up2/Resize";

    public static ModelProto Build(int size = 32)
    {
        var random = new Random(7);
        var graph = new GraphProto { Name = "tiny-isnet" };
        graph.Input.Add(Value("input", DataType.Float, 1, 3, size, size));
        graph.Output.Add(Value("output", DataType.Float, 1, 1, size, size));
        graph.Output.Add(Value(SideOutput, DataType.Float, 1, 4, size / 2, size / 2));
        graph.ValueInfo.Add(Value("r1", DataType.Float16, 1, 4, size, size));
        graph.ValueInfo.Add(Value("p1", DataType.Float16, 1, 4, size / 2, size / 2));

        graph.Initializer.Add(Half("w1", random, 4, 3, 3, 3));
        graph.Initializer.Add(Half("b1", random, 4));
        graph.Initializer.Add(Half("w2", random, 1, 12, 1, 1));
        graph.Initializer.Add(Half("b2", random, 1));

        // The converter puts the output casts first; ONNX Runtime sorts, and so must the builder.
        graph.Node.Add(Cast("graph_output_cast0", "s2", "output", DataType.Float));
        graph.Node.Add(Cast("graph_input_cast0", "input", "x16", DataType.Float16));
        graph.Node.Add(Node("Conv", "/conv1/Conv", ["x16", "w1", "b1"], ["c1"], Ints("pads", 1, 1, 1, 1), Ints("kernel_shape", 3, 3)));
        graph.Node.Add(Node("Relu", "/relu1/Relu", ["c1"], ["r1"]));
        graph.Node.Add(Node("MaxPool", "/pool1/MaxPool", ["r1"], ["p1"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)));
        graph.Node.Add(Node("MaxPool", "/pool2/MaxPool", ["p1"], ["p2"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)));
        AddResize(graph, "/up2", "p2", "u2", size / 2);
        graph.Node.Add(Node("Concat", "/cat2/Concat", ["u2", "p1"], ["k2"], Int("axis", 1)));
        AddResize(graph, "/up1", "k2", "u1", size);
        graph.Node.Add(Node("Concat", "/cat1/Concat", ["u1", "r1"], ["k1"], Int("axis", 1)));
        graph.Node.Add(Node("Conv", "/conv2/Conv", ["k1", "w2", "b2"], ["c2"], Ints("kernel_shape", 1, 1)));
        graph.Node.Add(Node("Sigmoid", "/sigmoid/Sigmoid", ["c2"], ["s2"]));
        graph.Node.Add(Cast("graph_output_cast1", "/up2/Resize_output_0", SideOutput, DataType.Float));

        var model = new ModelProto { IrVersion = 8, ProducerName = "tiny", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 15 });
        return model;
    }

    /// <summary>Cast to float, Resize to Concat(Shape(x)[0:2], Constant([side, side])), Cast back to float16.</summary>
    private static void AddResize(GraphProto graph, string scope, string input, string output, int side)
    {
        var f = $"{scope}/Resize_input_cast_0";
        var resized = $"{scope}/Resize_output_0";
        graph.Node.Add(Cast($"{scope}/Cast_in", input, f, DataType.Float));
        graph.Node.Add(Constant($"{scope}/Constant", $"{scope}/Constant_output_0", 0));
        graph.Node.Add(Constant($"{scope}/Constant_1", $"{scope}/Constant_1_output_0", 2));
        graph.Node.Add(Constant($"{scope}/Constant_2", $"{scope}/Constant_2_output_0", side, side));
        graph.Node.Add(Node("Shape", $"{scope}/Shape", [f], [$"{scope}/Shape_output_0"]));
        graph.Node.Add(Node("Slice", $"{scope}/Slice", [$"{scope}/Shape_output_0", $"{scope}/Constant_output_0", $"{scope}/Constant_1_output_0"], [$"{scope}/Slice_output_0"]));
        graph.Node.Add(Node("Concat", $"{scope}/Concat", [$"{scope}/Slice_output_0", $"{scope}/Constant_2_output_0"], [$"{scope}/Concat_output_0"], Int("axis", 0)));
        graph.Node.Add(Node("Resize", $"{scope}/Resize", [f, "", "", $"{scope}/Concat_output_0"], [resized],
            Str("mode", "linear"), Str("coordinate_transformation_mode", "half_pixel")));
        graph.Node.Add(Cast($"{scope}/Cast_out", resized, output, DataType.Float16));
    }

    public static float[] Input(int size, int seed = 3)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 3 * size * size).Select(_ => (float)(random.NextDouble() - 0.5))];
    }

    /// <summary>Runs <paramref name="model"/> and returns each requested output's values and shape.</summary>
    public static Dictionary<string, (float[] Values, int[] Shape)> Run(ModelProto model, float[] input, int size, params string[] outputs)
    {
        using var session = new InferenceSession(model.ToByteArray());
        var tensor = new DenseTensor<float>(input, [1, 3, size, size]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)], outputs);
        return results.ToDictionary(r => r.Name, r =>
        {
            var t = r.AsTensor<float>();
            return (t.ToArray(), t.Dimensions.ToArray());
        });
    }

    public static long[] ConstantValues(ModelProto model, string nodeName)
    {
        var tensor = model.Graph.Node.Single(n => n.Name == nodeName).Attribute.Single().T;
        return tensor.RawData.IsEmpty ? [.. tensor.Int64Data] : [.. Enumerable.Range(0, tensor.RawData.Length / 8).Select(i => BitConverter.ToInt64(tensor.RawData.Span[(i * 8)..]))];
    }

    private static ValueInfoProto Value(string name, DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    private static TensorProto Half(string name, Random random, params long[] dims)
    {
        var count = (int)dims.Aggregate(1L, (a, b) => a * b);
        var values = Enumerable.Range(0, count).Select(_ => (Half)((random.NextDouble() - 0.5) * 0.8)).ToArray();
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float16, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(dims);
        return tensor;
    }

    private static NodeProto Cast(string name, string input, string output, DataType to) =>
        Node("Cast", name, [input], [output], Int("to", (long)to));

    private static NodeProto Constant(string name, string output, params long[] values)
    {
        var tensor = new TensorProto { DataType = (int)DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        return Node("Constant", name, [], [output], new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor });
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        return node;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    private static AttributeProto Str(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
