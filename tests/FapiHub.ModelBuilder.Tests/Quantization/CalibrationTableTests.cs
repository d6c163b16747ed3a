using System.Text;
using FapiHub.ModelBuilder.Quantization;

namespace FapiHub.ModelBuilder.Tests.Quantization;

public sealed class CalibrationTableTests
{
    private static readonly CalibrationTable Table = new()
    {
        Method = "percentile-99.99",
        SourceGraph = "isnet-fp32.onnx",
        Resolution = 1024,
        Images = ["ecssd/images/0010.jpg"],
        Tensors = new Dictionary<string, TensorRange>
        {
            ["b"] = new(0, 2.5) { ObservedMin = 0, ObservedMax = 9.75 },
            ["a"] = new(-0.5, 0.498),
        },
    };

    [Fact]
    public void Write_WhenReadBack_ShouldGiveTheSameRangesSortedByName()
    {
        using var stream = new MemoryStream();
        Table.Write(stream);
        var json = Encoding.UTF8.GetString(stream.ToArray());
        stream.Position = 0;

        var read = CalibrationTable.Read(stream, "test");

        Assert.True(json.IndexOf("\"a\"", StringComparison.Ordinal) < json.IndexOf("\"b\"", StringComparison.Ordinal));
        Assert.Equal(Table.Tensors["b"], read.Tensors["b"]);
        Assert.Equal(Table.Tensors["a"], read.Tensors["a"]);
        Assert.Equal(["ecssd/images/0010.jpg"], read.Images);
        Assert.Equal("percentile-99.99", read.Method);
    }

    [Fact]
    public void Read_WhenARangeIsInverted_ShouldFailNamingTheTensor()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(
            """{ "method": "m", "sourceGraph": "g", "resolution": 8, "images": [], "tensors": { "t1": { "min": 2, "max": 1 } } }"""));

        var error = Assert.Throws<ModelBuilderException>(() => CalibrationTable.Read(stream, "bad.json"));

        Assert.Contains("'t1'", error.Message, StringComparison.Ordinal);
    }
}
