using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace FapiHub.LoadGenerator;

/// <summary>
/// The model alone: session.Run on a 1×3×1024×1024 tensor, fetching only "output", with the server's session settings
/// (all graph optimisations, no memory pattern, no spinning), so the ratio measures only what the server adds.
/// </summary>
internal static class RawInference
{
    public static double MedianMilliseconds(string modelPath, int runs, int intraOpThreads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableMemoryPattern = false,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        using var session = new InferenceSession(modelPath, options);
        var input = new float[3 * 1024 * 1024];
        var random = new Random(1);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)(random.NextDouble() - 0.5);
        }

        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 1024, 1024]);
        using var runOptions = new RunOptions();
        string[] inputs = [session.InputMetadata.Keys.First()];
        string[] outputs = ["output"];
        using (session.Run(runOptions, inputs, [value], outputs))
        {
            // Warm-up: arena allocation and first-run graph work are not what a serving process pays per request.
        }

        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var result = session.Run(runOptions, inputs, [value], outputs);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
