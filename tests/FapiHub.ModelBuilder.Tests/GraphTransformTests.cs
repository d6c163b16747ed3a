using System.Security.Cryptography;
using FapiHub.ModelBuilder.Graphs;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace FapiHub.ModelBuilder.Tests;

public sealed class GraphTransformTests
{
    private const int Size = 32;

    [Fact]
    public void Convert_WhenGivenTheFp16Graph_ShouldComputeTheSameWithin1e3()
    {
        var fp16 = TinyGraph.Build(Size);
        var input = TinyGraph.Input(Size);

        var fp32 = Fp32Converter.Convert(fp16);

        var expected = TinyGraph.Run(fp16, input, Size, "output", TinyGraph.SideOutput);
        var actual = TinyGraph.Run(fp32, input, Size, "output", TinyGraph.SideOutput);
        foreach (var name in expected.Keys)
        {
            Assert.Equal(expected[name].Shape, actual[name].Shape);
            var worst = expected[name].Values.Zip(actual[name].Values).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst <= 1e-3, $"{name}: largest difference {worst}");
        }
    }

    [Fact]
    public void Convert_WhenDone_ShouldLeaveNoFloat16AndNoCast()
    {
        var fp32 = Fp32Converter.Convert(TinyGraph.Build(Size));

        var graph = fp32.Graph;
        Assert.DoesNotContain(graph.Node, n => n.OpType == "Cast");
        Assert.All(graph.Initializer, t => Assert.Equal((int)DataType.Float, t.DataType));
        Assert.All(graph.Input.Concat(graph.Output).Concat(graph.ValueInfo), v => Assert.NotEqual((int)DataType.Float16, v.Type.TensorType.ElemType));
        // The output keeps its name, the API's contract, although its Cast is gone.
        Assert.Equal(["output", TinyGraph.SideOutput], graph.Output.Select(o => o.Name));
        Assert.Contains(graph.Node, n => n.OpType == "Sigmoid" && n.Output.Single() == "output");
    }

    [Fact]
    public void Convert_WhenGivenAModel_ShouldNotModifyIt()
    {
        var fp16 = TinyGraph.Build(Size);
        var before = fp16.ToByteArray();

        _ = Fp32Converter.Convert(fp16);
        _ = ResizeRescaler.Rescale(fp16, 48);
        _ = OutputPruner.KeepOnly(fp16, "output");

        Assert.Equal(before, fp16.ToByteArray());
    }

    [Fact]
    public void KeepOnly_WhenGivenOneOutput_ShouldDropTheOthersAndWhatOnlyTheyNeeded()
    {
        var pruned = OutputPruner.KeepOnly(TinyGraph.Build(Size), "output");

        Assert.Equal(["output"], pruned.Graph.Output.Select(o => o.Name));
        Assert.DoesNotContain(pruned.Graph.Node, n => n.Output.Contains(TinyGraph.SideOutput));
        var result = TinyGraph.Run(pruned, TinyGraph.Input(Size), Size, "output");
        Assert.Equal([1, 1, Size, Size], result["output"].Shape);
    }

    [Fact]
    public void KeepOnly_WhenTheOutputDoesNotExist_ShouldSayWhichExist()
    {
        var error = Assert.Throws<ModelBuilderException>(() => OutputPruner.KeepOnly(TinyGraph.Build(Size), "mask"));

        Assert.Equal(ErrorCodes.BadRecipe, error.Code);
        Assert.Contains("no output 'mask'", error.Message, StringComparison.Ordinal);
        Assert.Contains("output, side", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(48)]
    [InlineData(64)]
    [InlineData(16)]
    public void Rescale_WhenTheResolutionScalesEverySize_ShouldRunAtTheNewSizeWithTheResizeOutputsScaled(int resolution)
    {
        var rescaled = ResizeRescaler.Rescale(Fp32Converter.Convert(TinyGraph.Build(Size)), resolution);

        Assert.Equal([resolution / 2, resolution / 2], TinyGraph.ConstantValues(rescaled, "/up2/Constant_2"));
        Assert.Equal([resolution, resolution], TinyGraph.ConstantValues(rescaled, "/up1/Constant_2"));
        Assert.Equal(resolution, ResizeRescaler.InputResolution(rescaled));
        var result = TinyGraph.Run(rescaled, TinyGraph.Input(resolution), resolution, "output", TinyGraph.SideOutput);
        Assert.Equal([1, 1, resolution, resolution], result["output"].Shape);
        // The side output is the inner Resize's own output: baked at 16 for 32, it must now be resolution / 2.
        Assert.Equal([1, 4, resolution / 2, resolution / 2], result[TinyGraph.SideOutput].Shape);
    }

    [Fact]
    public void Rescale_WhenGivenTheFp16Graph_ShouldRescaleItToo()
    {
        var rescaled = ResizeRescaler.Rescale(TinyGraph.Build(Size), 64);

        var result = TinyGraph.Run(rescaled, TinyGraph.Input(64), 64, "output");

        Assert.Equal([1, 1, 64, 64], result["output"].Shape);
        Assert.Equal(64, rescaled.Graph.ValueInfo.Single(v => v.Name == "r1").Type.TensorType.Shape.Dim[3].DimValue);
    }

    [Theory]
    [InlineData(33, "16.5")]
    [InlineData(31, "15.5")]
    public void Rescale_WhenABakedSizeWouldNotBeWhole_ShouldRefuseNamingTheResizeAndTheSize(int resolution, string scaled)
    {
        var error = Assert.Throws<ModelBuilderException>(() => ResizeRescaler.Rescale(TinyGraph.Build(Size), resolution));

        Assert.Equal(ErrorCodes.BadRecipe, error.Code);
        Assert.Contains($"resolution {resolution} is impossible", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Resize '{TinyGraph.InnerResize}' has size [16, 16] baked for 32", error.Message, StringComparison.Ordinal);
        Assert.Contains($"= {scaled} is not a whole number", error.Message, StringComparison.Ordinal);
        Assert.Contains("use a multiple of 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rescale_WhenTheResolutionIsNotPositive_ShouldRefuse()
    {
        var error = Assert.Throws<ModelBuilderException>(() => ResizeRescaler.Rescale(TinyGraph.Build(Size), 0));

        Assert.Contains("must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_WhenRunTwice_ShouldGiveTheSameBytes()
    {
        var recipe = new Recipe("tiny", Precision.Fp32, 48);

        var first = GraphRecipes.Serialize(GraphRecipes.Apply(TinyGraph.Build(Size), recipe));
        var second = GraphRecipes.Serialize(GraphRecipes.Apply(TinyGraph.Build(Size), recipe));

        Assert.Equal(SHA256.HashData(first), SHA256.HashData(second));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Derive_WhenRunTwice_ShouldWriteIdenticalFilesRecordingTheRecipe()
    {
        using var dir = new TempDirectory();
        var source = Path.Combine(dir.Path, "tiny.onnx");
        File.WriteAllBytes(source, TinyGraph.Build(Size).ToByteArray());
        var recipe = new Recipe("tiny", Precision.Fp32, 64);

        var first = GraphRecipes.Derive(source, recipe, null, Path.Combine(dir.Path, "a.onnx"));
        var second = GraphRecipes.Derive(source, recipe, null, Path.Combine(dir.Path, "b.onnx"));

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(File.ReadAllBytes(first.Path), File.ReadAllBytes(second.Path));
        Assert.Equal(new FileInfo(first.Path).Length, first.Bytes);
        var derived = GraphRecipes.Load(first.Path);
        Assert.Equal("tiny fp32 64x64", derived.MetadataProps.Single(p => p.Key == GraphRecipes.RecipeMetadataKey).Value);
        Assert.Equal(["output"], derived.Graph.Output.Select(o => o.Name));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Apply_WhenInt8HasNoCalibrationTable_ShouldRefuseWithAClearMessage()
    {
        using var dir = new TempDirectory();
        var source = Path.Combine(dir.Path, "tiny.onnx");
        File.WriteAllBytes(source, TinyGraph.Build(Size).ToByteArray());

        var error = Assert.Throws<ModelBuilderException>(() =>
            GraphRecipes.Derive(source, new Recipe("tiny", Precision.Int8, 32), Path.Combine(dir.Path, "missing.json"), Path.Combine(dir.Path, "out.onnx")));

        Assert.Equal(ErrorCodes.BadRecipe, error.Code);
        Assert.Contains("needs a calibration table", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing.json does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fp16", Precision.Fp16)]
    [InlineData("FP32", Precision.Fp32)]
    [InlineData("int8", Precision.Int8)]
    public void ParsePrecision_WhenKnown_ShouldParse(string text, Precision expected) =>
        Assert.Equal(expected, Recipe.ParsePrecision(text));

    [Fact]
    public void ParsePrecision_WhenUnknown_ShouldNameTheChoices()
    {
        var error = Assert.Throws<ModelBuilderException>(() => Recipe.ParsePrecision("bf16"));

        Assert.Contains("unknown precision 'bf16' (expected fp16, fp32 or int8)", error.Message, StringComparison.Ordinal);
    }
}
