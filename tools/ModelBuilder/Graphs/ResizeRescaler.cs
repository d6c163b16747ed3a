using System.Globalization;
using Onnx;

namespace FapiHub.ModelBuilder.Graphs;

/// <summary>
/// Moves a graph to another square input size. IS-Net's decoder upsamples with Resize nodes whose sizes are
/// <c>Concat(Shape(x)[0:2], Constant([h, w]))</c>: batch and channels follow the tensor, but h and w were baked for
/// the export size. Scaling those constants by R/base (and the declared input, output and value_info shapes) is the
/// whole change; every other op is size-agnostic.
/// </summary>
public static class ResizeRescaler
{
    /// <summary>The side of the graph's square input, from its declared shape [N, C, H, W].</summary>
    public static int InputResolution(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var dims = SingleInput(model.Graph).Type.TensorType.Shape?.Dim;
        if (dims is not { Count: 4 } || !dims[2].HasDimValue || !dims[3].HasDimValue || dims[2].DimValue != dims[3].DimValue)
        {
            throw new ModelBuilderException(ErrorCodes.BadRecipe, "the graph input is not a fixed square [N, C, H, W]; cannot rescale it");
        }

        return checked((int)dims[2].DimValue);
    }

    /// <summary>Returns a copy that takes <paramref name="resolution"/>² input; <paramref name="source"/> is not modified.
    /// Refuses (FHM006, naming the Resize and the size) a resolution at which a baked size is not a whole number.</summary>
    public static ModelProto Rescale(ModelProto source, int resolution)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (resolution <= 0)
        {
            throw new ModelBuilderException(ErrorCodes.BadRecipe, $"resolution must be positive, not {resolution}");
        }

        var baseResolution = InputResolution(source);
        var model = source.Clone();
        if (resolution == baseResolution)
        {
            return model;
        }

        var graph = model.Graph;
        var index = new GraphIndex(graph);
        var plan = PlanSizes(graph, index);
        CheckWholeNumbers(plan, baseResolution, resolution);

        foreach (var tensor in plan.Select(p => p.Sizes).Distinct(ReferenceEqualityComparer.Instance).Cast<TensorProto>())
        {
            Tensors.WriteInt64s(tensor, [.. Tensors.ReadInt64s(tensor).Select(v => v * resolution / baseResolution)]);
        }

        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            ScaleShape(value, baseResolution, resolution);
        }

        return model;
    }

    private sealed record ResizeSizes(NodeProto Resize, TensorProto Sizes);

    private static ValueInfoProto SingleInput(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        return inputs.Count == 1
            ? inputs[0]
            : throw new ModelBuilderException(ErrorCodes.BadRecipe, $"expected one graph input, found {inputs.Count}");
    }

    /// <summary>Finds each Resize's baked [h, w] and checks the pattern, so an unfamiliar graph is refused rather than
    /// rescaled half-way.</summary>
    private static List<ResizeSizes> PlanSizes(GraphProto graph, GraphIndex index)
    {
        var plan = new List<ResizeSizes>();
        foreach (var resize in graph.Node.Where(n => n.OpType == "Resize"))
        {
            // Resize(X, roi, scales, sizes): with scales instead of sizes it is already resolution-independent.
            if (resize.Input.Count < 4 || resize.Input[3].Length == 0)
            {
                continue;
            }

            var sizes = resize.Input[3];
            if (!index.Producers.TryGetValue(sizes, out var concat) || concat.OpType != "Concat")
            {
                throw Unfamiliar(resize, $"its sizes '{sizes}' do not come from a Concat");
            }

            var constants = concat.Input.Select(index.ConstantTensor).Where(t => t is not null).Cast<TensorProto>().ToList();
            if (constants.Count != 1 || Tensors.ReadInt64s(constants[0]).Length != 2)
            {
                throw Unfamiliar(resize, $"its sizes Concat '{concat.Name}' has no single constant [h, w]");
            }

            plan.Add(new ResizeSizes(resize, constants[0]));
        }

        // A constant that also feeds something other than these Concats would be changed behind that consumer's back.
        var concats = plan.Select(p => index.Producers[p.Resize.Input[3]]).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var constant in graph.Node.Where(n => n.OpType == "Constant"))
        {
            var consumers = index.ConsumersOf(constant.Output[0]);
            if (consumers.Any(concats.Contains) && !consumers.All(concats.Contains))
            {
                throw new ModelBuilderException(ErrorCodes.BadRecipe,
                    $"Constant '{constant.Name}' holds a Resize size but also feeds other nodes; cannot rescale it safely");
            }
        }

        return plan;
    }

    private static ModelBuilderException Unfamiliar(NodeProto resize, string why) => new(ErrorCodes.BadRecipe,
        $"Resize '{resize.Name}': {why}, not Concat(Shape(x)[0:2], Constant([h, w])); cannot rescale this graph");

    private static void CheckWholeNumbers(List<ResizeSizes> plan, int baseResolution, int resolution)
    {
        var all = plan.SelectMany(p => Tensors.ReadInt64s(p.Sizes)).ToList();
        // The resolutions that work are exactly the multiples of base / gcd(base, every size): say which.
        var step = baseResolution / all.Aggregate((long)baseResolution, Gcd);
        foreach (var (resize, sizes) in plan)
        {
            var values = Tensors.ReadInt64s(sizes);
            foreach (var value in values)
            {
                if (value * resolution % baseResolution != 0)
                {
                    var scaled = (double)value * resolution / baseResolution;
                    throw new ModelBuilderException(ErrorCodes.BadRecipe, string.Create(CultureInfo.InvariantCulture,
                        $"resolution {resolution} is impossible for this graph: Resize '{resize.Name}' has size [{string.Join(", ", values)}] baked for {baseResolution}, " +
                        $"and {value} × {resolution}/{baseResolution} = {scaled:0.###} is not a whole number; use a multiple of {step} (e.g. {Math.Max(step, resolution / step * step)} or {(resolution / step + 1) * step})"));
                }
            }
        }
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return Math.Abs(a);
    }

    /// <summary>Scales the spatial dims of a declared [N, C, H, W] shape. A dim that would not be whole (a feature map
    /// whose size came from flooring) is left unknown for ONNX Runtime's shape inference to fill in, since a wrong
    /// declared shape fails the session.</summary>
    private static void ScaleShape(ValueInfoProto value, int baseResolution, int resolution)
    {
        if (value.Type?.TensorType?.Shape?.Dim is not { Count: 4 } dims)
        {
            return;
        }

        foreach (var dim in dims.Skip(2).Where(d => d.HasDimValue))
        {
            if (dim.DimValue * resolution % baseResolution == 0)
            {
                dim.DimValue = dim.DimValue * resolution / baseResolution;
            }
            else
            {
                dim.ClearValue();
            }
        }
    }
}
