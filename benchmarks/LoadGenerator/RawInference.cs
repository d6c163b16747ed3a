using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace FapiHub.LoadGenerator;

/// <summary>
/// The model alone: session.Run on a 1×3×S×S tensor (S from the graph's input), fetching only "output". Two settings:
/// the server's (all graph optimisations, no memory pattern, no spinning), so a ratio measures only what the server
/// adds; and the fixed reference of the performance goals: today's pinned fp16 graph with default session options
/// and 2 intra-op threads, so every graph and tier is compared with the same yardstick in the same run.
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

        return Median(modelPath, options, runs);
    }

    /// <summary>The goals' reference: default session options, 2 intra-op threads.</summary>
    public static double ReferenceMedianMilliseconds(string modelPath, int runs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        return Median(modelPath, options, runs);
    }

    private static double Median(string modelPath, SessionOptions options, int runs)
    {
        using var session = new InferenceSession(modelPath, options);
        var side = (int)session.InputMetadata.Values.First().Dimensions[^1];
        var input = new float[3 * side * side];
        var random = new Random(1);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)(random.NextDouble() - 0.5);
        }

        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, side, side]);
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
