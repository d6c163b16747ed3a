using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Onnx;
using FapiHub.Infrastructure.Imaging;
using FapiHub.ModelBuilder.Quantization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace FapiHub.Calibration;

/// <summary>
/// Runs a float graph over the calibration images and histograms the activations the quantiser needs. The tensors
/// are exposed as extra graph outputs; a run fetches only <c>batch</c> of them at a time, because ONNX Runtime keeps
/// every fetched output alive until the run returns (all ~230 at 1024² would be several GB) while intermediate values
/// that are not fetched are freed as soon as their consumers ran.
/// </summary>
internal sealed class Recorder(ModelProto model, int side, int threads, int batch)
{
    // The catalogue's normalisation for IS-Net (src/Api/appsettings.json): (v − 128) / 256 per channel.
    private static readonly float[] Mean = [128f, 128f, 128f];
    private static readonly float[] Std = [256f, 256f, 256f];

    public Dictionary<string, ActivationHistogram> Record(IReadOnlyList<string> tensors, IReadOnlyList<string> imagePaths, TextWriter log)
    {
        var graph = model.Clone();
        var inputName = graph.Graph.Input[0].Name;
        var outputs = graph.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in tensors.Where(t => t != inputName && !outputs.Contains(t)))
        {
            graph.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        using var options = new SessionOptions { IntraOpNumThreads = threads };
        using var session = new InferenceSession(graph.ToByteArray(), options);
        var histograms = tensors.ToDictionary(t => t, _ => new ActivationHistogram(), StringComparer.Ordinal);
        var fetched = tensors.Where(t => t != inputName).ToList();
        var processor = new SkiaImageProcessor(Microsoft.Extensions.Options.Options.Create(new ImagingOptions()));
        var pixels = side * side;
        var tensor = new float[3 * pixels];
        var rgba = new byte[pixels * 4];
        using var runOptions = new RunOptions();
        foreach (var path in imagePaths)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var decoded = processor.Decode(File.ReadAllBytes(path));
            if (!decoded.IsSuccess)
            {
                throw new InvalidDataException($"Could not decode calibration image '{path}': {decoded.Error}.");
            }

            // Exactly the server's input: Skia resize to side², then (v − mean)/std into NCHW planes.
            Preprocess(decoded.Value, rgba, tensor, side);
            if (histograms.TryGetValue(inputName, out var inputHistogram))
            {
                inputHistogram.Add(tensor);
            }

            using var input = OrtValue.CreateTensorValueFromMemory(tensor, [1, 3, side, side]);
            for (var start = 0; start < fetched.Count; start += batch)
            {
                var names = fetched.Skip(start).Take(batch).ToArray();
                using var values = session.Run(runOptions, [inputName], [input], names);
                Parallel.For(0, names.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
                    histograms[names[i]].Add(values[i].GetTensorDataAsSpan<float>()));
            }

            log.WriteLine($"  {Path.GetFileName(path)}: {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
        }

        return histograms;
    }

    private static void Preprocess(RgbaImage image, byte[] rgba, float[] tensor, int side)
    {
        SkiaResampler.Resize(image, rgba, side, side);
        TensorLayout.FillNchw(rgba, side * side, Mean, Std, tensor);
    }
}
