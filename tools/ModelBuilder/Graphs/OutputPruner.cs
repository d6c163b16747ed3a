using Onnx;

namespace FapiHub.ModelBuilder.Graphs;

/// <summary>Keeps one graph output and drops everything only the others needed. IS-Net exports its five
/// deep-supervision side outputs and six decoder features; each side output is upsampled to full size, so dropping them
/// removes real work (Resize, Conv, Sigmoid) that the API never reads.</summary>
public static class OutputPruner
{
    /// <summary>Returns a copy with <paramref name="output"/> as the only output; <paramref name="source"/> is not modified.</summary>
    public static ModelProto KeepOnly(ModelProto source, string output)
    {
        ArgumentNullException.ThrowIfNull(source);
        var model = source.Clone();
        var graph = model.Graph;
        var kept = graph.Output.FirstOrDefault(o => o.Name == output)
            ?? throw new ModelBuilderException(ErrorCodes.BadRecipe,
                $"the graph has no output '{output}' (it has: {string.Join(", ", graph.Output.Select(o => o.Name))})");
        graph.Output.Clear();
        graph.Output.Add(kept);
        TopologicalOrder.Sort(graph);

        // Nodes are in topological order, so one backwards sweep finds everything the kept output depends on.
        var live = new HashSet<string>(StringComparer.Ordinal) { output };
        var liveNodes = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        for (var i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (node.Output.Any(live.Contains))
            {
                liveNodes.Add(node);
                live.UnionWith(node.Input.Where(n => n.Length > 0));
            }
        }

        var nodes = graph.Node.Where(liveNodes.Contains).ToList();
        graph.Node.Clear();
        graph.Node.Add(nodes);

        var initializers = graph.Initializer.Where(t => live.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.Add(initializers);

        var valueInfo = graph.ValueInfo.Where(v => live.Contains(v.Name)).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.Add(valueInfo);
        return model;
    }
}
