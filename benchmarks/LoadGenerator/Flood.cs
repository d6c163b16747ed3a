using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace FapiHub.LoadGenerator;

/// <summary>
/// Connections that each upload the image once, throttled, over raw sockets while reading the answer: HttpClient
/// reports an answer that arrives before the upload is finished (a refusal) as a failed send, and a flood's point is
/// to see exactly those answers and how much of each body the server took first.
/// </summary>
internal static class Flood
{
    private const int TicksPerSecond = 10;
    private const int WriteBytes = 64 * 1024;

    /// <summary>Seconds of rest after a round at which the server's RSS is read.</summary>
    private static readonly int[] RestSamples = [10, 30, 60];

    public static async Task RunAsync(LoadOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        var uri = new Uri(options.Url);
        var image = await File.ReadAllBytesAsync(options.Image);
        var (head, body) = Request(uri, options, image);
        var readyMb = options.ServerPid is { } pid ? new MemorySampler(pid).StartMegabytes : double.NaN;
        Console.WriteLine(string.Create(c, $"flood: {options.Requests} uploads of {image.Length / 1e6:F1} MB at {options.UploadKilobytesPerSecond} KB/s over {options.Concurrency} connections at once, {options.Rounds} rounds; server RSS at start {readyMb:F0} MB"));
        for (var round = 1; round <= options.Rounds; round++)
        {
            using var memory = options.ServerPid is { } p ? new MemorySampler(p) : null;
            var started = Stopwatch.GetTimestamp();
            var results = new List<Result>();
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= options.Requests)
                {
                    var result = await UploadAsync(uri, head, body, options.UploadKilobytesPerSecond * 1024);
                    lock (results)
                    {
                        results.Add(result);
                    }
                }
            }));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var statuses = string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x {g.Count()}"));
            Console.WriteLine(string.Create(c, $"round {round}: {seconds:F1} s; {statuses}; server peak RSS {memory?.PeakMegabytes:F0} MB"));
            var refused = results.Where(r => r.Status == "503").ToList();
            if (refused.Count > 0)
            {
                var ms = refused.Select(r => r.AnswerMs).Order().ToList();
                var server = refused.Where(r => r.ServerMs is not null).Select(r => r.ServerMs!.Value).Order().ToList();
                Console.WriteLine(string.Create(c, $"  503 answered after ms: p50 {Median(ms):F0}, p90 {Quantile(ms, 0.9):F0}, max {Quantile(ms, 1):F0}; X-Processing-Ms p50 {Median(server):F0}, p90 {Quantile(server, 0.9):F0}, max {Quantile(server, 1):F0}; body bytes sent before the answer: max {refused.Max(r => r.BodyBytesSent)} of {body.Length}"));
            }

            if (memory is not null)
            {
                var resting = Stopwatch.GetTimestamp();
                foreach (var at in RestSamples.Where(s => s <= options.RestSeconds))
                {
                    await Task.Delay(TimeSpan.FromSeconds(at) - Stopwatch.GetElapsedTime(resting));
                    Console.WriteLine(string.Create(c, $"  rest {at} s: RSS {memory.EndMegabytes:F0} MB ({memory.EndMegabytes / readyMb:F2}x the start)"));
                }
            }
        }
    }

    private static double Median(List<double> sorted) => Quantile(sorted, 0.5);

    private static double Quantile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];

    private static (byte[] Head, byte[] Body) Request(Uri uri, LoadOptions options, byte[] image)
    {
        const string boundary = "----fapihub-flood";
        var fields = string.Concat(options.Fields.Select(f => $"--{boundary}\r\nContent-Disposition: form-data; name=\"{f.Name}\"\r\n\r\n{f.Value}\r\n"));
        var body = Encoding.ASCII.GetBytes($"{fields}--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{Path.GetFileName(options.Image)}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .Concat(image)
            .Concat(Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"))
            .ToArray();
        var head = Encoding.ASCII.GetBytes(
            $"POST {options.Path} HTTP/1.1\r\nHost: {uri.Authority}\r\nApiKey: {options.Key}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {body.Length}\r\n\r\n");
        return (head, body);
    }

    private static async Task<Result> UploadAsync(Uri uri, byte[] head, byte[] body, int bytesPerSecond)
    {
        var started = Stopwatch.GetTimestamp();
        using var tcp = new TcpClient();
        long sent = 0;
        try
        {
            await tcp.ConnectAsync(uri.Host, uri.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(head);
            var answer = ReadHeadAsync(stream, started);
            // Small writes, so an early answer is noticed between them (a single large write would block until the
            // server read it all); a pause at each tick once that tick's share of the rate is sent.
            var perTick = Math.Max(1, bytesPerSecond / TicksPerSecond);
            var sentThisTick = 0;
            using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / TicksPerSecond));
            while (sent < body.Length && !answer.IsCompleted)
            {
                var length = (int)Math.Min(Math.Min(WriteBytes, perTick - sentThisTick), body.Length - sent);
                await stream.WriteAsync(body.AsMemory((int)sent, length));
                sent += length;
                sentThisTick += length;
                if (sentThisTick >= perTick)
                {
                    await tick.WaitForNextTickAsync();
                    sentThisTick = 0;
                }
            }

            var (text, ms) = await answer.WaitAsync(TimeSpan.FromMinutes(5));
            return Parse(text, ms, sent);
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException)
        {
            return new Result(e.GetType().Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null, sent);
        }
    }

    /// <summary>The answer's head, and when it had arrived (ms since <paramref name="started"/>).</summary>
    private static async Task<(string Text, double Ms)> ReadHeadAsync(NetworkStream stream, long started)
    {
        var text = new StringBuilder();
        var buffer = new byte[8192];
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return (text.ToString(), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static Result Parse(string answer, double ms, long sent)
    {
        var status = answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? answer[9..12] : "no answer";
        var processing = answer.Split("\r\n").FirstOrDefault(l => l.StartsWith("X-Processing-Ms: ", StringComparison.OrdinalIgnoreCase));
        return new Result(status, ms, processing is null ? null : double.Parse(processing[17..], CultureInfo.InvariantCulture), sent);
    }

    private sealed record Result(string Status, double AnswerMs, double? ServerMs, long BodyBytesSent);
}
