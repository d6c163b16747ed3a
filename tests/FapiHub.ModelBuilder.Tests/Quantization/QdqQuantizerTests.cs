using FapiHub.ModelBuilder.Quantization;
using Google.Protobuf;
using Onnx;

namespace FapiHub.ModelBuilder.Tests.Quantization;

public sealed class QdqQuantizerTests
{
    private static readonly ModelProto Float = QuantizationGraph.Build();
    private static readonly CalibrationTable Table = QuantizationGraph.Calibrate(Float, 1, 2, 3, 4);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Quantize_WhenRunThroughOnnxRuntime_ShouldStayWithinTwoPercentOfTheFloatGraph(bool integerDataFlow)
    {
        // The stated error: on an input the table never saw, the sigmoid outputs (0–1) move by at most 0.02 and by
        // under 0.005 on average. uint8 steps of a 3-layer net are ~0.4 % of each range; the bound leaves room for
        // their accumulation, not for a wrong scale (a bias off by s_x or a mis-set zero point is off by > 0.1).
        // It holds with the data flow between the convolutions in uint8 too (pool, concatenation, residual sum).
        var quantised = QdqQuantizer.Quantize(Float, Table, integerDataFlow ? IntegerFlow : QuantizerOptions.Default);
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

        // conv1, conv2 and conv4 (each followed by a Relu) run as QLinearConv with the Relu gone; conv3 feeds the Sigmoid and stays float.
        Assert.Equal(3, ops.Count(op => op == "QLinearConv"));
        Assert.DoesNotContain("Relu", ops);
        Assert.Equal(4, quantised.Graph.Node.Count(n => n.OpType == "Conv"));
    }

    [Fact]
    public void Quantize_WhenInputConvsStayFloat_ShouldFuseOnlyTheOthers()
    {
        var quantised = QdqQuantizer.Quantize(Float, Table, QuantizerOptions.Default with { FloatInputConvs = true });

        var ops = QuantizationGraph.OptimisedOpTypes(quantised.ToByteArray());

        Assert.Equal(2, ops.Count(op => op == "QLinearConv"));
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

    [Fact]
    public void Quantize_WhenTheDataFlowIsInteger_ShouldPoolConcatenateAndAddOnUint8()
    {
        var quantised = QdqQuantizer.Quantize(Float, Table, IntegerFlow);

        var ops = QuantizationGraph.OptimisedOpTypes(quantised.ToByteArray());

        // Every Conv but the side output (conv3, feeding the Sigmoid) fuses; the skip concatenation and the residual
        // sum become integer kernels; the pool runs on uint8 (its Q/DQ dropped). What is left in float: the linear
        // Resize between its DQ and Q, and the side output's input.
        Assert.Equal(3, ops.Count(op => op == "QLinearConv"));
        Assert.Contains("QLinearConcat", ops);
        Assert.Contains("QLinearAdd", ops);
        Assert.DoesNotContain("Add", ops);
        Assert.DoesNotContain("Concat", ops);
        Assert.Equal(2, ops.Count(op => op == "DequantizeLinear"));
    }

    [Fact]
    public void Quantize_WhenPoolingOrUpsampling_ShouldKeepTheInputsScaleAndNeedNoRangeOfItsOwn()
    {
        // Pool and Resize outputs take their input's scale and zero point, which is what lets ONNX Runtime drop the
        // pair around MaxPool, so the table need not hold them.
        var withoutOwnRanges = Table with { Tensors = Table.Tensors.Where(t => t.Key is not ("p1" or "u2")).ToDictionary() };

        var quantised = QdqQuantizer.Quantize(Float, withoutOwnRanges, IntegerFlow);

        var pooled = quantised.Graph.Node.Single(n => n.OpType == "QuantizeLinear" && n.Input[0] == "p1");
        var upsampled = quantised.Graph.Node.Single(n => n.OpType == "QuantizeLinear" && n.Input[0] == "u2");
        Assert.Equal(["p1", "r1_scale", "r1_zero_point"], pooled.Input);
        Assert.Equal(["u2", "r2_scale", "r2_zero_point"], upsampled.Input);
    }

    [Fact]
    public void Quantize_WhenAnAddIsListedFloat_ShouldLeaveItsOutputFloat()
    {
        var quantised = QdqQuantizer.Quantize(Float, Table, IntegerFlow with { FloatNodes = new HashSet<string>(["add"]) });

        var ops = QuantizationGraph.OptimisedOpTypes(quantised.ToByteArray());

        Assert.DoesNotContain(quantised.Graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == "a");
        Assert.Contains("Add", ops);
        Assert.DoesNotContain("QLinearAdd", ops);
    }

    [Fact]
    public void Quantize_WhenAFloatSumIsUpsampledIntoAConcat_ShouldQuantiseItAtTheConcatsScale()
    {
        // IS-Net's decoder: a residual sum kept float, upsampled, concatenated with a skip. The Concat should still run
        // on uint8, reading the sum quantised at its own range (no range of the sum's is needed).
        var graph = Float.Clone();
        var up = graph.Graph.Node.Single(n => n.Name == "up");
        graph.Graph.Node.Insert(graph.Graph.Node.IndexOf(up), new NodeProto { Name = "sum2", OpType = "Add", Input = { "r2", "p1" }, Output = { "s2" } });
        up.Input[0] = "s2";

        var quantised = QdqQuantizer.Quantize(graph, Table, IntegerFlow with { FloatNodes = new HashSet<string>(["sum2"]) });

        var sum = quantised.Graph.Node.Single(n => n.OpType == "QuantizeLinear" && n.Input[0] == "s2");
        var upsampled = quantised.Graph.Node.Single(n => n.OpType == "QuantizeLinear" && n.Input[0] == "u2");
        Assert.Equal(["s2", "k_scale", "k_zero_point"], sum.Input);
        Assert.Equal(["u2", "k_scale", "k_zero_point"], upsampled.Input);
        var ops = QuantizationGraph.OptimisedOpTypes(quantised.ToByteArray());
        Assert.Contains("QLinearConcat", ops);
        Assert.DoesNotContain("Concat", ops);
    }

    [Fact]
    public void Quantize_WhenTheRangeOfASumIsMissing_ShouldFailNamingTheAdd()
    {
        var incomplete = Table with { Tensors = Table.Tensors.Where(t => t.Key != "a").ToDictionary() };

        var error = Assert.Throws<ModelBuilderException>(() => QdqQuantizer.Quantize(Float, incomplete, IntegerFlow));

        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
        Assert.Contains("output of Add 'add'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Quantize_WhenUnfusedConvsAreQuantised_ShouldSpareOnlyTheListedFloatNodes(bool listed, bool quantisedWeights)
    {
        // IS-Net's recipe quantises the Convs without a Relu (the first one, whose output the next Conv quantises
        // anyway) but lists the side output feeding the Sigmoid, which would gain nothing.
        var options = IntegerFlow with
        {
            QuantizeUnfusedConvs = true,
            FloatNodes = listed ? new HashSet<string>(["conv3"]) : new HashSet<string>(),
        };

        var quantised = QdqQuantizer.Quantize(Float, Table, options);

        var names = quantised.Graph.Initializer.Select(t => t.Name).ToHashSet();
        Assert.Equal(quantisedWeights, names.Contains("c3/weight_quantized"));
        Assert.Equal(!quantisedWeights, names.Contains("conv3.weight"));
    }

    [Fact]
    public void Quantize_WhenAScopeIsKeptFloat_ShouldLeaveEveryConvUnderItsPrefixFloatAndQuantiseTheRest()
    {
        // A float scope is a group of layers by name prefix (IS-Net: "/stage1d/", the last decoder stage), the unit of
        // the sensitivity sweep: "conv4" spares conv4 only, whatever the other Convs are called.
        var quantised = QdqQuantizer.Quantize(Float, Table, IntegerFlow with { FloatScopes = ["conv4"] });

        var names = quantised.Graph.Initializer.Select(t => t.Name).ToHashSet();
        Assert.Contains("conv4.weight", names);
        Assert.DoesNotContain("c4/weight_quantized", names);
        Assert.Contains("c1/weight_quantized", names);
        Assert.Contains("c2/weight_quantized", names);

        var input = QuantizationGraph.Input(99);
        var expected = QuantizationGraph.Run(Float.ToByteArray(), input);
        var actual = QuantizationGraph.Run(quantised.ToByteArray(), input);
        Assert.True(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() <= 0.02f);
    }

    [Fact]
    public void Quantize_WhenAQuantisedScopeSitsInsideAFloatScope_ShouldQuantiseOnlyTheConvsUnderTheInnerPrefix()
    {
        // A float island that leaves out its costliest layer (IS-Net: a stage's wide input convolution): "conv" would
        // keep every Conv float, "conv4" takes conv4 back to int8.
        var quantised = QdqQuantizer.Quantize(Float, Table, IntegerFlow with { FloatScopes = ["conv"], QuantizedScopes = ["conv4"] });

        var names = quantised.Graph.Initializer.Select(t => t.Name).ToHashSet();
        Assert.Contains("c4/weight_quantized", names);
        Assert.DoesNotContain("conv4.weight", names);
        Assert.Contains("conv1.weight", names);
        Assert.Contains("conv2.weight", names);
        Assert.DoesNotContain("c1/weight_quantized", names);

        var input = QuantizationGraph.Input(99);
        var expected = QuantizationGraph.Run(Float.ToByteArray(), input);
        var actual = QuantizationGraph.Run(quantised.ToByteArray(), input);
        Assert.True(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() <= 0.02f);
    }

    [Theory]
    [InlineData("/stage1d/rebnconv1d/conv_s1/Conv", true)]
    [InlineData("/stage1d/rebnconvin/conv_s1/Conv", false)]
    [InlineData("/stage1d/rebnconvin/relu_s1/Relu", false)]
    [InlineData("/side1/Conv", true)]
    [InlineData("/stage2d/rebnconv1/conv_s1/Conv", false)]
    public void KeepsFloat_WhenUnderAQuantisedScopeInsideAFloatScope_ShouldBeFalseUnlessListed(string node, bool expected)
    {
        var options = QuantizerOptions.Default with
        {
            FloatNodes = new HashSet<string>(["/side1/Conv"]),
            FloatScopes = ["/stage1d/", "/side1/"],
            QuantizedScopes = ["/stage1d/rebnconvin/", "/side1/"],
        };

        Assert.Equal(expected, options.KeepsFloat(node));
    }

    [Theory]
    [InlineData("/stage1d/rebnconv1d/conv_s1/Conv", true)]
    [InlineData("/stage1d/Add", true)]
    [InlineData("/stage1/rebnconv1d/conv_s1/Conv", false)]
    [InlineData("/side1/Conv", true)]
    [InlineData("/stage2d/Add", false)]
    public void KeepsFloat_WhenNamedOrUnderAScope_ShouldBeTrue(string node, bool expected)
    {
        var options = QuantizerOptions.Default with { FloatNodes = new HashSet<string>(["/side1/Conv"]), FloatScopes = ["/stage1d/"] };

        Assert.Equal(expected, options.KeepsFloat(node));
    }

    [Theory]
    [InlineData("/stage1d/rebnconv1d/conv_s1/Conv", true)]
    [InlineData("/stage1d/rebnconv1/conv_s1/Conv", true)]
    [InlineData("/stage1d/rebnconvin/conv_s1/Conv", false)]
    [InlineData("/stage2d/rebnconv1d/conv_s1/Conv", true)]
    [InlineData("/stage2d/rebnconvin/conv_s1/Conv", false)]
    [InlineData("/stage3d/rebnconv2/conv_s1/Conv", false)]
    [InlineData("/stage3d/rebnconvin/conv_s1/Conv", false)]
    [InlineData("/stage4d/rebnconv1d/conv_s1/Conv", false)]
    [InlineData("/stage1d/Add", true)]
    [InlineData("/side1/Conv", true)]
    [InlineData("/stage1/rebnconv1d/conv_s1/Conv", false)]
    [InlineData("/stage1/rebnconvin/conv_s1/Conv", false)]
    public void IsNet_WhenAskedAboutANode_ShouldKeepTheInnerLayersOfTheTwoLastDecoderStagesAndTheListedNodesFloat(string node, bool expected) =>
        // The shipped recipe (ADR 11, amendment 4): stage1d and stage2d float except each one's wide input convolution;
        // the encoder and the deeper decoder stages int8.
        Assert.Equal(expected, QuantizerOptions.IsNet.KeepsFloat(node));

    private static QuantizerOptions IntegerFlow { get; } = QuantizerOptions.Default with { IntegerDataFlow = true };

    private static float[] Floats(TensorProto tensor) =>
        [.. Enumerable.Range(0, tensor.RawData.Length / 4).Select(i => BitConverter.ToSingle(tensor.RawData.Span.Slice(i * 4, 4)))];
}
