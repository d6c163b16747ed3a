using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using FapiHub.Calibration;
using FapiHub.ModelBuilder.Quantization;
using Microsoft.ML.OnnxRuntime;
using Onnx;

// Commands:
//   calibrate --model FP32.onnx --out TABLE.json [--data ../shared/eval] [--method percentile-99.99[,mse,...]] [--images N] [--batch N]
//   quantize  --model FP32.onnx --table TABLE.json --out INT8.onnx [--conv-relu-only] [--float-nodes a,b] [--float-scopes /stage1d/,...] [--quantized-scopes /stage1d/rebnconvin/,...]
//   time      --graph A.onnx --graph B.onnx ... [--runs 5] [--threads 2] [--size R per graph: A.onnx@768]
//   peak      --graph A.onnx[@768] [--runs 3] [--threads 2]   (one graph per process: its peak RSS)
const string Usage = """
    FapiHub.Calibration calibrate --model FP32.onnx --out TABLE.json [--data DIR] [--method M[,M2...]] [--limit N] [--batch N] [--threads N]
    FapiHub.Calibration quantize  --model FP32.onnx --table TABLE.json --out INT8.onnx [--conv-relu-only] [--float-nodes NAME,NAME] [--float-scopes PREFIX,PREFIX|none] [--quantized-scopes PREFIX,PREFIX|none]
    FapiHub.Calibration time      --graph FILE[@SIDE] [--graph FILE[@SIDE] ...] [--runs N] [--threads N]
    FapiHub.Calibration peak      --graph FILE[@SIDE] [--runs N] [--threads N]

    Methods: minmax, percentile-P (e.g. percentile-99.99), mse. The first method's table goes to --out; each further
    one to TABLE.<method>.json beside it (one calibration run, several range choices, for comparing them).
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return 0;
}

var options = Options.Parse(args.Skip(1));
try
{
    return args[0] switch
    {
        "calibrate" => Calibrate(options),
        "quantize" => QuantizeCommand(options),
        "time" => Time(options),
        "peak" => Peak(options),
        _ => throw new ArgumentException($"Unknown command '{args[0]}'."),
    };
}
catch (Exception ex) when (ex is ArgumentException or FapiHub.ModelBuilder.ModelBuilderException or InvalidOperationException or DirectoryNotFoundException or FileNotFoundException)
{
    Console.Error.WriteLine(ex.Message + Environment.NewLine + Environment.NewLine + Usage);
    return 2;
}

static int Calibrate(Options options)
{
    var modelPath = options.Required("model");
    var outPath = options.Required("out");
    var data = options.Get("data") ?? Path.Combine("..", "shared", "eval");
    var methods = (options.Get("method") ?? "percentile-99.99").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    foreach (var method in methods)
    {
        _ = RangeMethod.Validate(method);
    }

    var threads = options.Int("threads", 2);
    var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
    var side = checked((int)model.Graph.Input[0].Type.TensorType.Shape.Dim[2].DimValue);

    // Every tensor any option set can ask for, so the quantiser options can change without recalibrating.
    var tensors = QdqQuantizer.TensorsToCalibrate(model);
    var images = CalibrationSet.Default(data);
    if (options.Get("limit") is { } limit)
    {
        images = [.. images.Take(int.Parse(limit, CultureInfo.InvariantCulture))];
    }

    Console.Error.WriteLine($"{tensors.Count} tensors, {images.Count} images at {side}², batches of {options.Int("batch", tensors.Count)}");
    var watch = Stopwatch.StartNew();
    var recorder = new Recorder(model, side, threads, options.Int("batch", tensors.Count));
    var histograms = recorder.Record(tensors, [.. images.Select(i => Path.Combine(data, i))], Console.Error);
    Console.Error.WriteLine($"recorded in {watch.Elapsed.TotalSeconds:F0} s");

    var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath)));
    for (var m = 0; m < methods.Length; m++)
    {
        var ranges = new Dictionary<string, TensorRange>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            var histogram = histograms[tensor];
            var (min, max) = RangeMethod.Apply(methods[m], histogram);
            ranges[tensor] = new TensorRange(Round(min), Round(max)) { ObservedMin = Round(histogram.Min), ObservedMax = Round(histogram.Max) };
        }

        var table = new CalibrationTable
        {
            Method = methods[m],
            SourceGraph = Path.GetFileName(modelPath),
            SourceSha256 = sha,
            Resolution = side,
            Images = images,
            Tensors = ranges,
        };
        var path = m == 0 ? outPath : Path.ChangeExtension(outPath, $"{methods[m]}.json");
        table.Save(path);
        Console.Error.WriteLine($"wrote {path}");
    }

    return 0;
}

static int QuantizeCommand(Options options)
{
    var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(options.Required("model")));
    var table = CalibrationTable.Load(options.Required("table"));
    // The build's recipe unless told otherwise: --conv-relu-only is the first recipe (float between the convolutions),
    // --float-nodes replaces the recipe's float list (for measuring one node's sensitivity).
    var quantizerOptions = options.Flag("conv-relu-only") ? QuantizerOptions.Default : QuantizerOptions.IsNet;
    if (options.Get("float-nodes") is { } floatNodes)
    {
        quantizerOptions = quantizerOptions with { FloatNodes = floatNodes.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal) };
    }

    // --float-scopes replaces the recipe's float groups (name prefixes such as /stage1d/); "none" clears them.
    if (options.Get("float-scopes") is { } floatScopes)
    {
        quantizerOptions = quantizerOptions with { FloatScopes = floatScopes == "none" ? [] : floatScopes.Split(',', StringSplitOptions.RemoveEmptyEntries) };
    }

    // --quantized-scopes: prefixes quantised even inside a float scope (e.g. /stage1d/rebnconvin/); "none" clears them.
    if (options.Get("quantized-scopes") is { } quantizedScopes)
    {
        quantizerOptions = quantizerOptions with { QuantizedScopes = quantizedScopes == "none" ? [] : quantizedScopes.Split(',', StringSplitOptions.RemoveEmptyEntries) };
    }

    var watch = Stopwatch.StartNew();
    var quantized = QdqQuantizer.Quantize(model, table, quantizerOptions);
    var outPath = options.Required("out");
    File.WriteAllBytes(outPath, Google.Protobuf.MessageExtensions.ToByteArray(quantized));
    Console.Error.WriteLine($"quantised in {watch.Elapsed.TotalSeconds:F1} s: {outPath} ({new FileInfo(outPath).Length / 1e6:F1} MB)");

    // What ONNX Runtime makes of it: the optimised graph it runs, saved and counted.
    var optimised = Path.ChangeExtension(outPath, ".optimised.onnx");
    // Errors only: ORT warns that an NCHWc-optimised file is hardware specific, which is the point here (we only count it).
    using (var sessionOptions = new SessionOptions { OptimizedModelFilePath = optimised, IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR })
    using (new InferenceSession(outPath, sessionOptions))
    {
    }

    var counts = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimised)).Graph.Node
        .GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
    Console.WriteLine($"optimised graph: {string.Join(", ", counts)}");
    File.Delete(optimised);
    return 0;
}

static int Time(Options options)
{
    var runs = options.Int("runs", 5);
    var threads = options.Int("threads", 2);
    var graphs = options.All("graph").Select(g => g.Split('@')).Select(p => (Path: p[0], Side: p.Length > 1 ? int.Parse(p[1], CultureInfo.InvariantCulture) : 1024)).ToList();
    var sessions = new List<(string Name, InferenceSession Session, OrtValue Input, string InputName, List<double> Times, List<double> CpuTimes)>();
    foreach (var (path, side) in graphs)
    {
        // Default session options except the thread count: the reference the issue's ratios are taken against.
        using var sessionOptions = new SessionOptions { IntraOpNumThreads = threads };
        var session = new InferenceSession(path, sessionOptions);
        var data = RandomInput(side);
        sessions.Add(($"{Path.GetFileName(path)}@{side}", session, OrtValue.CreateTensorValueFromMemory(data, [1, 3, side, side]), session.InputNames[0], [], []));
    }

    // Interleaved, so a neighbour's load on the shared cores hits every graph alike; the first round is warm-up.
    for (var round = 0; round <= runs; round++)
    {
        foreach (var s in sessions)
        {
            // Process CPU time beside the wall clock: with --threads 1 the run is this thread's work alone, so a
            // neighbour's load on the shared cores delays it without adding to it (pin it with taskset -c 0).
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            using var outputs = s.Session.Run(new RunOptions(), [s.InputName], [s.Input], [s.Session.OutputNames[0]]);
            if (round > 0)
            {
                s.Times.Add(watch.Elapsed.TotalSeconds);
                s.CpuTimes.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            }
        }
    }

    var reference = Median(sessions[0].Times);
    var cpuReference = Median(sessions[0].CpuTimes);
    var cpuMinReference = sessions[0].CpuTimes.Min();
    Console.WriteLine("| graph | median s | min s | ratio to first | median CPU s | min CPU s | CPU ratio to first (median, min) |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (var s in sessions)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {s.Name} | {Median(s.Times):F3} | {s.Times.Min():F3} | {Median(s.Times) / reference:F2} | {Median(s.CpuTimes):F3} | {s.CpuTimes.Min():F3} | {Median(s.CpuTimes) / cpuReference:F3}, {s.CpuTimes.Min() / cpuMinReference:F3} |"));
        s.Input.Dispose();
        s.Session.Dispose();
    }

    return 0;
}

static int Peak(Options options)
{
    // One session with the server's settings (memory pattern off, no spinning), so the process's peak RSS is what one
    // run of this graph costs the server: weights and the activation arena. One graph per process, or they mix.
    var graph = options.Required("graph").Split('@');
    var side = graph.Length > 1 ? int.Parse(graph[1], CultureInfo.InvariantCulture) : 1024;
    using var sessionOptions = new SessionOptions { IntraOpNumThreads = options.Int("threads", 2), EnableMemoryPattern = false };
    sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
    using var session = new InferenceSession(graph[0], sessionOptions);
    Console.WriteLine($"loaded: {Memory()}");
    var data = RandomInput(side);
    using var input = OrtValue.CreateTensorValueFromMemory(data, [1, 3, side, side]);
    for (var run = 1; run <= options.Int("runs", 3); run++)
    {
        var watch = Stopwatch.StartNew();
        using var outputs = session.Run(new RunOptions(), [session.InputNames[0]], [input], [session.OutputNames[0]]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run}: {watch.Elapsed.TotalSeconds:F3} s, {Memory()}"));
    }

    return 0;

    static string Memory() => string.Join(", ", File.ReadLines("/proc/self/status")
        .Where(l => l.StartsWith("VmRSS", StringComparison.Ordinal) || l.StartsWith("VmHWM", StringComparison.Ordinal))
        .Select(l => string.Join(' ', l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))));
}

/// <summary>A fixed pseudo-random 1×3×side×side input in the range of the normalised pixels, the same for every run.</summary>
static float[] RandomInput(int side)
{
    var data = new float[3 * side * side];
    var random = new Random(1);
    for (var i = 0; i < data.Length; i++)
    {
        data[i] = (float)(random.NextDouble() - 0.5);
    }

    return data;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

// Seven significant digits: float precision, and a table that diffs cleanly.
static double Round(double value) => double.Parse(value.ToString("G7", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + 0d; // + 0 turns −0 into 0
