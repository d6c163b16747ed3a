using Onnx;

namespace FapiHub.ModelBuilder.Graphs;

/// <summary>
/// ONNX asks for nodes in topological order, but the pinned IS-Net file lists its output Casts first (the float16
/// converter prepends them) and ONNX Runtime sorts on load anyway. The passes here walk the node list, so they sort
/// first: stable (among ready nodes the earliest in the file goes first), hence deterministic.
/// </summary>
internal static class TopologicalOrder
{
    public static void Sort(GraphProto graph)
    {
        var nodes = graph.Node.ToList();
        var producerIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var output in nodes[i].Output.Where(o => o.Length > 0))
            {
                producerIndex[output] = i;
            }
        }

        // How many producing nodes each node still waits for (an input from a graph input, an initialiser or an outer
        // scope has no producer here and is ready from the start).
        var waiting = new int[nodes.Count];
        var dependents = new List<int>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            dependents[i] = [];
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var producer in nodes[i].Input.Where(n => n.Length > 0 && producerIndex.ContainsKey(n)).Select(n => producerIndex[n]).Distinct())
            {
                waiting[i]++;
                dependents[producer].Add(i);
            }
        }

        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (waiting[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var sorted = new List<NodeProto>(nodes.Count);
        while (ready.TryDequeue(out var next, out _))
        {
            sorted.Add(nodes[next]);
            foreach (var dependent in dependents[next])
            {
                if (--waiting[dependent] == 0)
                {
                    ready.Enqueue(dependent, dependent);
                }
            }
        }

        if (sorted.Count != nodes.Count)
        {
            throw new ModelBuilderException(ErrorCodes.BadRecipe, "the graph has a cycle; cannot order its nodes");
        }

        graph.Node.Clear();
        graph.Node.Add(sorted);
    }
}
