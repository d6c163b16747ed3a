using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace FapiHub.ModelBuilder.Graphs;

/// <summary>
/// fp16 → fp32. The pinned IS-Net graph is a "keep I/O types" float16 export: the float input is cast to float16, the
/// whole network runs on float16 initialisers, and each Resize is wrapped in casts to float and back. ONNX Runtime's
/// CPU kernels compute most of that in float anyway, paying for the conversions (1.32 s vs 1.19 s measured), so every
/// float16 tensor is widened (exact) and every Cast that then converts float to float is removed.
/// </summary>
public static class Fp32Converter
{
    /// <summary>Returns a widened copy; <paramref name="source"/> is not modified.</summary>
    public static ModelProto Convert(ModelProto source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var model = source.Clone();
        var graph = model.Graph;
        TopologicalOrder.Sort(graph);

        foreach (var initializer in graph.Initializer.Where(IsHalf))
        {
            Tensors.WidenToFloat(initializer);
        }

        foreach (var node in graph.Node)
        {
            foreach (var attribute in node.Attribute)
            {
                if (attribute.T is { } tensor && IsHalf(tensor))
                {
                    Tensors.WidenToFloat(tensor);
                }

                foreach (var item in attribute.Tensors.Where(IsHalf))
                {
                    Tensors.WidenToFloat(item);
                }

                if (node.OpType == "Cast" && attribute.Name == "to" && attribute.I == (long)DataType.Float16)
                {
                    attribute.I = (long)DataType.Float;
                }
            }
        }

        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            if (value.Type?.TensorType is { ElemType: (int)DataType.Float16 } tensorType)
            {
                tensorType.ElemType = (int)DataType.Float;
            }
        }

        RemoveIdentityCasts(graph);
        EnsureNoHalfLeft(graph);
        return model;
    }

    private static bool IsHalf(TensorProto tensor) => tensor.DataType == (int)DataType.Float16;

    /// <summary>Removes every Cast whose input already has the target type. Its consumers read the Cast's input
    /// instead; when the Cast's output is a graph output, the producer is renamed to keep the output's name.</summary>
    private static void RemoveIdentityCasts(GraphProto graph)
    {
        var types = InferElementTypes(graph);
        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);

        foreach (var cast in graph.Node.Where(n => n.OpType == "Cast").ToList())
        {
            var from = cast.Input[0];
            var to = cast.Output[0];
            var target = cast.Attribute.Single(a => a.Name == "to").I;
            if (!types.TryGetValue(from, out var type) || type != target)
            {
                continue;
            }

            if (!graphOutputs.Contains(to))
            {
                Rename(graph, from: to, to: from, renameOutputs: false);
                graph.Node.Remove(cast);
            }
            else if (!graphInputs.Contains(from) && !initializers.Contains(from) && !graphOutputs.Contains(from))
            {
                // The output name is the API's contract ("output"), so the producer takes it over.
                graph.Node.Remove(cast);
                Rename(graph, from: from, to: to, renameOutputs: true);
            }
            else
            {
                // A graph input passed straight to an output: nothing to rename, an Identity costs nothing.
                cast.OpType = "Identity";
                cast.Attribute.Clear();
            }
        }

        // The removed Casts' outputs no longer exist; stale value_info for them would only confuse readers.
        var produced = graph.Node.SelectMany(n => n.Output).Concat(graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var keep = graph.ValueInfo.Where(v => produced.Contains(v.Name) && !graphOutputs.Contains(v.Name) && seen.Add(v.Name)).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.Add(keep);
    }

    private static void Rename(GraphProto graph, string from, string to, bool renameOutputs)
    {
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }

            if (renameOutputs)
            {
                for (var i = 0; i < node.Output.Count; i++)
                {
                    if (node.Output[i] == from)
                    {
                        node.Output[i] = to;
                    }
                }
            }
        }
    }

    /// <summary>Element types from the graph's declarations (inputs, initialisers, value_info, Constants), filled in
    /// along the node order (ONNX requires topological order) for undeclared ones: a Cast gives its target type,
    /// Shape int64, anything else its first input's type (true of every float op in this kind of CNN).</summary>
    private static Dictionary<string, long> InferElementTypes(GraphProto graph)
    {
        var types = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var value in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
        {
            if (value.Type?.TensorType is { } tensorType && tensorType.ElemType != 0)
            {
                types[value.Name] = tensorType.ElemType;
            }
        }

        foreach (var initializer in graph.Initializer)
        {
            types[initializer.Name] = initializer.DataType;
        }

        foreach (var node in graph.Node)
        {
            long? type = node.OpType switch
            {
                "Constant" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType,
                "Cast" => node.Attribute.Single(a => a.Name == "to").I,
                "Shape" or "Size" => (long)DataType.Int64,
                _ => node.Input.Count > 0 && types.TryGetValue(node.Input[0], out var first) ? first : null,
            };
            if (type is { } known)
            {
                foreach (var output in node.Output)
                {
                    types.TryAdd(output, known);
                }
            }
        }

        return types;
    }

    private static void EnsureNoHalfLeft(GraphProto graph)
    {
        var left = new List<string>();
        left.AddRange(graph.Initializer.Where(IsHalf).Select(t => $"initialiser '{t.Name}'"));
        left.AddRange(graph.Input.Concat(graph.Output).Concat(graph.ValueInfo)
            .Where(v => v.Type?.TensorType?.ElemType == (int)DataType.Float16)
            .Select(v => $"value '{v.Name}'"));
        foreach (var node in graph.Node)
        {
            if (node.Attribute.Any(a => (a.T is { } t && IsHalf(t)) || a.Tensors.Any(IsHalf)
                || (node.OpType == "Cast" && a.Name == "to" && a.I == (long)DataType.Float16)))
            {
                left.Add($"{node.OpType} '{node.Name}'");
            }
        }

        if (left.Count > 0)
        {
            throw new ModelBuilderException(ErrorCodes.BadRecipe,
                $"fp32 conversion left float16 in the graph: {string.Join(", ", left.Take(5))}{(left.Count > 5 ? $" and {left.Count - 5} more" : "")}");
        }
    }
}
