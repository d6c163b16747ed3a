using FapiHub.ModelBuilder.Quantization;
using Google.Protobuf;
using Onnx;

namespace FapiHub.ModelBuilder.Tests.Quantization;

public sealed class QdqQuantizerTests
{
    private static readonly ModelProto Float = QuantizationGraph.Build();
    private static readonly CalibrationTable Table = QuantizationGraph.Calibrate(Float, 1, 2, 3, 4);

    [Fact]
    public void Quantize_WhenRunThroughOnnxRuntime_ShouldStayWithinTwoPercentOfTheFloatGraph()
    {
        // The stated error: on an input the table never saw, the sigmoid outputs (0–1) move by at most 0.02 and by
        // under 0.005 on average. uint8 steps of a 3-layer net are ~0.4 % of each range; the bound leaves room for
        // their accumulation, not for a wrong scale (a bias off by s_x or a mis-set zero point is off by > 0.1).
        var quantised = QdqQuantizer.Quantize(Float, Table, QuantizerOptions.Default);
        var input = QuantizationGraph.Input(99);

        var expected = QuantizationGraph.Run(Float.ToByteArray(), input);
        var actual = QuantizationGraph.Run(quantised.ToByteArray(), input);

        var errors = expected.Zip(actual, (e, a) => Math.Abs(e - a)).ToList();
        Assert.True(errors.Max() <= 0.02f, $"max error {errors.Max()}");
        Assert.True(errors.Average() <= 0.005f, $"mean error {errors.Average()}");
        Assert.True(errors.Max() > 0f, "the quantised graph should not be the float graph");
    }

    [Fact]
    public void Quantize_WhenOptimisedByOnnxRuntime_ShouldFuseEveryConvReluIntoQLinearConv()
    {
        var quantised = QdqQuantizer.Quantize(Float, Table, QuantizerOptions.Default);

        var ops = QuantizationGraph.OptimisedOpTypes(quantised.ToByteArray());

        // conv1 and conv2 (each followed by a Relu) run as QLinearConv with the Relu gone; conv3 feeds the Sigmoid and stays float.
        Assert.Equal(2, ops.Count(op => op == "QLinearConv"));
        Assert.DoesNotContain("Relu", ops);
        Assert.Equal(3, quantised.Graph.Node.Count(n => n.OpType == "Conv"));
    }

    [Fact]
    public void Quantize_WhenInputConvsStayFloat_ShouldFuseOnlyTheOthers()
    {
        var quantised = QdqQuantizer.Quantize(Float, Table, QuantizerOptions.Default with { FloatInputConvs = true });

        var ops = QuantizationGraph.OptimisedOpTypes(quantised.ToByteArray());

        Assert.Equal(1, ops.Count(op => op == "QLinearConv"));
        Assert.DoesNotContain(quantised.Graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == "x");
    }

    [Fact]
    public void Quantize_WhenACalibrationEntryIsMissing_ShouldFailNamingTheTensor()
    {
        var incomplete = Table with { Tensors = Table.Tensors.Where(t => t.Key != "p1").ToDictionary() };

        var error = Assert.Throws<ModelBuilderException>(() => QdqQuantizer.Quantize(Float, incomplete, QuantizerOptions.Default));

        Assert.Equal(ErrorCodes.BadRecipe, error.Code);
        Assert.Contains("'p1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("input of Conv 'conv2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_WhenRunTwice_ShouldWriteTheSameBytes()
    {
        var first = QdqQuantizer.Quantize(Float, Table, QuantizerOptions.Default).ToByteArray();
        var second = QdqQuantizer.Quantize(QuantizationGraph.Build(), Table, QuantizerOptions.Default).ToByteArray();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Quantize_WhenTheWeightsAreNotFp32_ShouldFailWithAClearMessage()
    {
        var fp16 = Float.Clone();
        fp16.Graph.Initializer.Single(t => t.Name == "conv2.weight").DataType = (int)TensorProto.Types.DataType.Float16;

        var error = Assert.Throws<ModelBuilderException>(() => QdqQuantizer.Quantize(fp16, Table, QuantizerOptions.Default));

        Assert.Contains("'conv2.weight' is not an fp32 initializer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_WhenAChannelIsQuantised_ShouldUseSymmetricPerChannelInt8AndInt32BiasAtTheProductScale()
    {
        var quantised = QdqQuantizer.Quantize(Float, Table, QuantizerOptions.Default);
        var initializers = quantised.Graph.Initializer.ToDictionary(t => t.Name);

        var weightScale = Floats(initializers["c1/weight_scale"]);
        var codes = initializers["c1/weight_quantized"].RawData.Span;
        var inputScale = Floats(initializers["x_scale"])[0];
        var biasScale = Floats(initializers["c1/bias_scale"]);

        Assert.Equal(8, weightScale.Length);
        Assert.Equal(127, codes.ToArray().Select(b => Math.Abs((int)(sbyte)b)).Max());
        Assert.All(Enumerable.Range(0, 8), c => Assert.Equal(inputScale * weightScale[c], biasScale[c]));
        Assert.Equal(TensorProto.Types.DataType.Int32, (TensorProto.Types.DataType)initializers["c1/bias_quantized"].DataType);
        Assert.DoesNotContain("conv1.weight", initializers.Keys);
    }

    private static float[] Floats(TensorProto tensor) =>
        [.. Enumerable.Range(0, tensor.RawData.Length / 4).Select(i => BitConverter.ToSingle(tensor.RawData.Span.Slice(i * 4, 4)))];
}
