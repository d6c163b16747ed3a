using System.Diagnostics;
using System.Globalization;
using System.Net;
using FapiHub.LoadGenerator;

// Usage (see docs/performance.md):
//   dotnet run -c Release --project benchmarks/LoadGenerator -- --url http://localhost:5080 --key KEY --image photo.jpg
//       [--path /v2/rembg/] [--concurrency 1] [--requests 20] [--raw-model models/isnet-fp16.onnx] [--raw-runs 10]
//       [--reference-model models/isnet-fp16.onnx]
//       [--intra-op 0] [--pid SERVER_PID] [--field name=value ...]
//   remove.bg's route: --path /v1.0/removebg (X-Api-Key, image_file; e.g. --field size=full --field format=png to match /v2)
//   Flood of uploads instead (docs/reliability.md): --upload-kbps 400 --concurrency 150 --requests 150 [--rounds 3] [--rest-seconds 60]
//       raw sockets, each upload sent at that rate (a large rate: as fast as loopback goes); per round the status counts,
//       how fast refusals came and how much of their body had been sent, the peak RSS, then the RSS after 10, 30, 60 s
//       of rest.
var options = LoadOptions.Parse(args);
var culture = CultureInfo.InvariantCulture;
if (options.UploadKilobytesPerSecond > 0)
{
    await Flood.RunAsync(options);
    return;
}

double? rawMedianMs = null;
if (options.RawModel is not null)
{
    // Measured first, while the server is idle, with the server's own session settings.
    rawMedianMs = RawInference.MedianMilliseconds(options.RawModel, options.RawRuns, options.IntraOpThreads);
    Console.WriteLine(string.Create(culture, $"raw session.Run ({Path.GetFileName(options.RawModel)}, {options.RawRuns} runs, intra-op {(options.IntraOpThreads == 0 ? "default" : options.IntraOpThreads)}): median {rawMedianMs:F0} ms"));
}

double? referenceMedianMs = null;
if (options.ReferenceModel is not null)
{
    // The goals' yardstick (pinned fp16 graph, default session options, 2 threads), timed in the same run.
    referenceMedianMs = RawInference.ReferenceMedianMilliseconds(options.ReferenceModel, options.RawRuns);
    Console.WriteLine(string.Create(culture, $"reference session.Run ({Path.GetFileName(options.ReferenceModel)}, default options, 2 threads, {options.RawRuns} runs): median {referenceMedianMs:F0} ms"));
}

using var memory = options.ServerPid is { } pid ? new MemorySampler(pid) : null;
var image = await File.ReadAllBytesAsync(options.Image);
using var http = new HttpClient { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromMinutes(10) };
http.DefaultRequestHeaders.Add("ApiKey", options.Key);

// The remove.bg-compatible route (--path /v1.0/removebg) takes the same key in X-Api-Key and the photo in image_file.
var removeBg = options.Path.StartsWith("/v1.0", StringComparison.OrdinalIgnoreCase);
http.DefaultRequestHeaders.Add("X-Api-Key", options.Key);
var imageField = removeBg ? "image_file" : "image";

var results = new List<Sample>();
var gate = new object();
var next = 0;
var started = Stopwatch.GetTimestamp();
await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async _ =>
{
    while (Interlocked.Increment(ref next) <= options.Requests)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(image), imageField, Path.GetFileName(options.Image) } };
        foreach (var (name, value) in options.Fields)
        {
            form.Add(new StringContent(value), name);
        }

        var sent = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync(options.Path, form);
        await response.Content.ReadAsByteArrayAsync();
        var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        var sample = new Sample(response.StatusCode, ms, Header(response, "X-Inference-Ms"), Header(response, "X-Processing-Ms"));
        lock (gate)
        {
            results.Add(sample);
        }
    }
}));
var wallSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

Report.Print(options, results, wallSeconds, rawMedianMs, referenceMedianMs, memory);

double? Header(HttpResponseMessage response, string name) =>
    response.Headers.TryGetValues(name, out var values) ? double.Parse(values.First(), culture) : null;
