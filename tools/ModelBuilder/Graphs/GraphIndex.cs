using Onnx;

namespace FapiHub.ModelBuilder.Graphs;

/// <summary>Who produces and who consumes each tensor name, built once per pass (graphs are rewritten between passes,
/// so an index is never kept across them).</summary>
internal sealed class GraphIndex
{
    public GraphIndex(GraphProto graph)
    {
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                Producers[output] = node;
            }

            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (!Consumers.TryGetValue(input, out var list))
                {
                    Consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        foreach (var initializer in graph.Initializer)
        {
            Initializers[initializer.Name] = initializer;
        }
    }

    public Dictionary<string, NodeProto> Producers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<NodeProto>> Consumers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, TensorProto> Initializers { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<NodeProto> ConsumersOf(string name) => Consumers.TryGetValue(name, out var list) ? list : [];

    /// <summary>The int64 values of a tensor that is a Constant node's output or an initialiser, else null.</summary>
    public TensorProto? ConstantTensor(string name)
    {
        if (Initializers.TryGetValue(name, out var initializer))
        {
            return initializer;
        }

        return Producers.TryGetValue(name, out var producer) && producer.OpType == "Constant"
            ? producer.Attribute.FirstOrDefault(a => a.Name == "value")?.T
            : null;
    }
}
