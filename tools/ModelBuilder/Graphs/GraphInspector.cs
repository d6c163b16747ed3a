using System.Globalization;
using System.Text;
using Onnx;

namespace FapiHub.ModelBuilder.Graphs;

/// <summary>A short human-readable summary of a graph (operator counts, inputs, outputs, element types), for
/// `FapiHub.ModelBuilder inspect` and for checking a derived graph by eye.</summary>
public static class GraphInspector
{
    public static string Describe(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var text = new StringBuilder();
        var opsets = string.Join(", ", model.OpsetImport.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version}"));
        text.AppendLine(CultureInfo.InvariantCulture, $"opset: {opsets}; {graph.Node.Count} nodes, {graph.Initializer.Count} initialisers, {graph.ValueInfo.Count} value_info");
        var ops = graph.Node.GroupBy(n => n.OpType, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal);
        text.AppendLine("ops: " + string.Join(", ", ops.Select(g => $"{g.Key} {g.Count()}")));
        foreach (var input in graph.Input)
        {
            text.AppendLine("input:  " + DescribeValue(input));
        }

        foreach (var output in graph.Output)
        {
            text.AppendLine("output: " + DescribeValue(output));
        }

        var types = graph.Initializer.GroupBy(t => (TensorProto.Types.DataType)t.DataType).Select(g => $"{g.Key} {g.Count()}");
        text.AppendLine("initialiser types: " + string.Join(", ", types));
        return text.ToString();
    }

    private static string DescribeValue(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        if (tensor is null)
        {
            return value.Name;
        }

        var dims = tensor.Shape?.Dim.Select(d => d.HasDimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : d.DimParam) ?? [];
        return $"{value.Name} {(TensorProto.Types.DataType)tensor.ElemType} [{string.Join(", ", dims)}]";
    }
}
