using System.Net;
using System.Net.Sockets;
using System.Text;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Accounts;
using FapiHub.FunctionalTests.Accounts;
using FapiHub.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SkiaSharp;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>What only a real Kestrel shows: graceful shutdown, slow and stuck clients, and the absent Server header.</summary>
public sealed class KestrelTests : ReliabilityHostTests
{
    [Fact]
    public async Task Shutdown_WhenARequestIsInFlight_ShouldFinishItChargeItOnceAndRefuseNewOnes()
    {
        // The request is held in the model until the server has stopped taking connections, so it is in flight
        // during the drain by construction rather than by sleeps of 400 and 200 ms.
        var gates = new PipelineGates { HoldAt = PipelineGates.Model };
        var host = Host(null, gates.Install, ("Limits:DrainTimeoutSeconds", "20"));
        host.UseKestrel(0);
        host.StartServer();
        var (id, key) = await host.CreateKeyAsync("payg", 5);
        using var client = host.Client(key);
        var photo = TestImages.Encode(8, 8, (_, _) => SKColors.Plum);
        var ledger = host.Services.GetRequiredService<IUsageLedger>(); // the embedded store outlives the stopped host

        var inFlight = client.PostAsync("/v2/rembg/", Http.Form(photo));
        await gates.Entered.WaitAsync(TimeSpan.FromSeconds(15)); // reserved and in the model
        var stopping = Task.Run(() => host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication());
        await WaitUntilRefused(client.BaseAddress!.Port);
        gates.Release();

        using var finished = await inFlight;
        await stopping;
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.False(finished.Headers.Contains("Server"));
        var usage = await ledger.GetUsageAsync(id, BillingPeriod.Key(DateTimeOffset.UtcNow), default);
        Assert.Equal((1L, 4L, 0L), (usage.Used, usage.Credits, usage.Pending));

        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline)
            {
                using var late = await client.PostAsync("/v2/rembg/", Http.Form(photo));
                await Task.Delay(100);
            }
        });
    }

    [Fact]
    public async Task SlowClient_WhenHeadersNeverFinish_ShouldAnswer408InTheEnvelopeAndDisconnect()
    {
        var host = Host(("Limits:RequestHeadersTimeoutSeconds", "1"));
        host.UseKestrel(0);
        host.StartServer();

        using var tcp = await Connect(host);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /v2/rembg/ HTTP/1.1\r\nHost: localhost\r\n"));

        var answer = await ReadUntilClosed(stream, TimeSpan.FromSeconds(15));
        Assert.True(answer.Closed, "the stuck connection was still open after 15 s");
        AssertRawEnvelope(answer.Text, 408, "request_timeout");
    }

    [Fact]
    public async Task Headers_WhenLargerThanKestrelAccepts_ShouldBe431InTheEnvelope()
    {
        // Just over Kestrel's 32 KB total, sent in one write: Kestrel reads it all, so closing causes no reset.
        var answer = await SendRaw($"GET /v2/usage HTTP/1.1\r\nHost: localhost\r\nX-Filler: {new string('a', 33 * 1024)}\r\n\r\n");

        AssertRawEnvelope(answer, 431, "request_header_fields_too_large");
    }

    [Fact]
    public async Task RequestLine_WhenLongerThanKestrelAccepts_ShouldBe414InTheEnvelope()
    {
        var answer = await SendRaw($"GET /v2/{new string('a', 9 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        AssertRawEnvelope(answer, 414, "uri_too_long");
    }

    [Theory]
    [InlineData("GET /v2/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)] // a NUL in the decoded path
    [InlineData("NOT A REQUEST LINE\r\n\r\n", 400)]
    [InlineData("GET /v2/usage HTTP/1.1\r\nHost: localhost\r\nBroken header line\r\n\r\n", 400)]
    [InlineData("GET /v2/usage HTTP/1.1\r\n\r\n", 400)] // HTTP/1.1 without Host
    [InlineData("GET /v2/usage HTTP/9.9\r\nHost: localhost\r\n\r\n", 505)] // no such protocol version
    public async Task Request_WhenKestrelCannotParseIt_ShouldBeRejectedInTheEnvelope(string request, int status)
    {
        var answer = await SendRaw(request);

        AssertRawEnvelope(answer, status, "invalid_request");
    }

    [Fact]
    public async Task SlowClient_WhenHeadersNeverFinishOnRemoveBgsRoutes_ShouldAnswer408InRemoveBgsShape()
    {
        var answer = await SendSlowly("POST /v1.0/removebg HTTP/1.1\r\nHost: localhost\r\n");

        AssertRawRemoveBgErrors(answer, 408, "request_timeout");
    }

    [Fact]
    public async Task SlowClient_WhenEvenTheRequestLineNeverFinishesOnRemoveBgsRoutes_ShouldAnswer408InRemoveBgsShape()
    {
        // Kestrel has parsed nothing: the path comes from the request line's first bytes.
        var answer = await SendSlowly("POST /v1.0/removebg HTT");

        AssertRawRemoveBgErrors(answer, 408, "request_timeout");
    }

    [Fact]
    public async Task Headers_WhenLargerThanKestrelAcceptsOnRemoveBgsRoutes_ShouldBe431InRemoveBgsShape()
    {
        var answer = await SendRaw($"GET /v1.0/account HTTP/1.1\r\nHost: localhost\r\nX-Filler: {new string('a', 33 * 1024)}\r\n\r\n");

        AssertRawRemoveBgErrors(answer, 431, "request_header_fields_too_large");
    }

    [Theory]
    [InlineData("/v1.0/")]
    [InlineData("http://localhost/v1.0/")] // absolute form
    [InlineData("/V1.0/")] // paths match in any case, as routing does
    public async Task RequestLine_WhenLongerThanKestrelAcceptsOnRemoveBgsRoutes_ShouldBe414InRemoveBgsShape(string prefix)
    {
        var answer = await SendRaw($"GET {prefix}{new string('a', 9 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        AssertRawRemoveBgErrors(answer, 414, "uri_too_long");
    }

    [Theory]
    [InlineData("GET /v1.0/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)] // a NUL in the decoded path
    [InlineData("GET /v1.0/account HTTP/1.1\r\nHost: localhost\r\nBroken header line\r\n\r\n", 400)]
    [InlineData("GET /v1.0/account HTTP/1.1\r\n\r\n", 400)] // HTTP/1.1 without Host
    [InlineData("GET /v1.0/account HTTP/9.9\r\nHost: localhost\r\n\r\n", 505)] // no such protocol version
    public async Task Request_WhenKestrelCannotParseItOnRemoveBgsRoutes_ShouldBeRejectedInRemoveBgsShape(string request, int status)
    {
        var answer = await SendRaw(request);

        AssertRawRemoveBgErrors(answer, status, "invalid_request");
    }

    [Theory]
    [InlineData("/v2/usage", "/v1.0/", true)]
    [InlineData("/v1.0/account", "/v2/", false)]
    public async Task RequestLine_WhenTheLongOneFollowsAnotherOnTheSameConnection_ShouldAnswerInItsOwnProtocol(string first, string second, bool removeBg)
    {
        // The first request's path must not decide the shape of the second's rejection.
        var answer = await SendRaw($"GET {first} HTTP/1.1\r\nHost: localhost\r\n\r\nGET {second}{new string('a', 9 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        var rejection = answer[answer.IndexOf("HTTP/1.1 414 ", StringComparison.Ordinal)..];
        if (removeBg)
        {
            AssertRawRemoveBgErrors(rejection, 414, "uri_too_long");
        }
        else
        {
            AssertRawEnvelope(rejection, 414, "uri_too_long");
        }
    }

    [Theory]
    [InlineData("/v2/rembg/", "ApiKey", false)]
    [InlineData("/v1.0/removebg", "X-Api-Key", true)]
    public async Task SlowClient_WhenTheBodyTricklesBelowTheMinimumRate_ShouldBe408InTheRoutesProtocol(string path, string header, bool removeBg)
    {
        var host = Host(("Limits:MinRequestBodyBytesPerSecond", "2000"), ("Limits:MinRequestBodyGraceSeconds", "2"));
        host.UseKestrel(0);
        host.StartServer();
        var (_, key) = await host.CreateKeyAsync("payg", 5);

        using var tcp = await Connect(host);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: localhost\r\n{header}: {key}" +
            "\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 500000\r\n\r\n--x\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        var answer = await ReadUntilClosed(stream, TimeSpan.FromSeconds(20));
        Assert.True(answer.Closed, "the trickling upload was still open after 20 s");

        // The application answers this one (chunked), after the form reader met Kestrel's refusal of the body.
        Assert.StartsWith("HTTP/1.1 408 ", answer.Text, StringComparison.Ordinal);
        Assert.Contains(removeBg ? "{\"errors\":[{\"title\":\"Invalid request\",\"code\":\"invalid_request\"" : "{\"error\":{\"code\":\"invalid_request\"", answer.Text, StringComparison.Ordinal);
        Assert.Contains("data arriving too slowly", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_WhenAChunkedBodyExceedsTheLimit_ShouldBe413FileTooLargeAndUncharged()
    {
        var host = Host();
        host.UseKestrel(0);
        host.StartServer();
        var (_, key) = await host.CreateKeyAsync("payg", StartingCredits);

        var answer = await SendChunked(
            host,
            "POST /v2/rembg/ HTTP/1.1\r\nHost: localhost\r\nApiKey: " + key + "\r\nContent-Type: multipart/form-data; boundary=x\r\n",
            "--x\r\nContent-Disposition: form-data; name=\"image\"; filename=\"huge.png\"\r\nContent-Type: image/png\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 413 ", answer, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"file_too_large\"", answer, StringComparison.Ordinal);
        using var client = host.Client(key);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task AdminJson_WhenAChunkedBodyExceedsTheLimit_ShouldBe413FileTooLarge()
    {
        var host = Host();
        host.UseKestrel(0);
        host.StartServer();

        var answer = await SendChunked(
            host,
            "POST /v2/admin/keys HTTP/1.1\r\nHost: localhost\r\nAdminKey: " + AccountsHost.AdminKey + "\r\nContent-Type: application/json\r\n",
            "{\"plan\":\"payg\",\"name\":\"");

        Assert.StartsWith("HTTP/1.1 413 ", answer, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"file_too_large\"", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_WhenKestrelRejectsIt_ShouldAnswerWithoutABody()
    {
        var answer = await SendRaw($"HEAD /v2/usage HTTP/1.1\r\nHost: localhost\r\nX-Filler: {new string('a', 33 * 1024)}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431 ", answer, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", answer, StringComparison.Ordinal); // a HEAD answer never has a body
    }

    [Fact]
    public async Task Upload_WhenEveryPlaceIsHeldByUploadsStillArriving_ShouldRefuseTheNextBeforeReadingItsBodyUncharged()
    {
        var admissions = new AdmissionWatch();
        var host = Host(null, admissions.Install, ("Inference:MaxConcurrency", "1"), ("Inference:MaxQueue", "1"));
        host.UseKestrel(0);
        host.StartServer();
        var (_, key) = await host.CreateKeyAsync("payg", StartingCredits);
        using var client = host.Client(key);

        // Two uploads that sent their headers and the first bytes of a 5 MB body, then stall: inside from their first byte.
        using var first = await StartUpload(host, key, contentLength: 5_000_000, "--x\r\n");
        using var second = await StartUpload(host, key, contentLength: 5_000_000, "--x\r\n");
        await admissions.WaitUntilInsideAsync(2);

        // A third that sends no body at all is answered anyway: the server never waits for, or reads, a refused upload.
        using var third = await StartUpload(host, key, contentLength: 5_000_000, body: "");
        var refused = await ReadUntilClosed(third.GetStream(), TimeSpan.FromSeconds(15));
        Assert.True(refused.Closed, "the refused upload's connection was kept open (to drain its body)");
        Assert.StartsWith("HTTP/1.1 503 ", refused.Text, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"server_busy\"", refused.Text, StringComparison.Ordinal);
        Assert.Contains("\r\nRetry-After: ", refused.Text, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", refused.Text, StringComparison.Ordinal);
        using (var busy = await client.PostAsync("/v2/rembg/", Http.Form(TestImages.Encode(8, 8, (_, _) => SKColors.Teal))))
        {
            await Http.AssertEnvelope(busy, HttpStatusCode.ServiceUnavailable, "server_busy");
        }

        // The stalled uploads give up: their places are free again, and only a served image is charged.
        first.Close();
        second.Close();
        await admissions.WaitUntilInsideAsync(0);
        using var served = await client.PostAsync("/v2/rembg/", Http.Form(TestImages.Encode(8, 8, (_, _) => SKColors.Teal)));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(StartingCredits - 1, await Credits(client));
    }

    /// <summary>Connects and sends an image upload's head (declaring <paramref name="contentLength"/>) and the start of its body.</summary>
    private static async Task<TcpClient> StartUpload(AccountsHost host, string key, long contentLength, string body)
    {
        var tcp = await Connect(host);
        var head = "POST /v2/rembg/ HTTP/1.1\r\nHost: localhost\r\nApiKey: " + key +
            "\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: " + contentLength.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\r\n\r\n";
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head + body));
        return tcp;
    }

    /// <summary>
    /// Sends <paramref name="head"/> (without its final CRLF), then <paramref name="prefix"/> and 20 MB of filler as a
    /// chunked body while reading the answer. Raw, because HttpClient reports the server's early answer as a failed
    /// send; the server stops reading at the limit, so the tail of the upload may fail.
    /// </summary>
    private static async Task<string> SendChunked(AccountsHost host, string head, string prefix)
    {
        using var tcp = await Connect(host);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "Transfer-Encoding: chunked\r\n\r\n"));
        var upload = Task.Run(async () =>
        {
            var chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)'a');
            try
            {
                var first = Encoding.ASCII.GetBytes(prefix);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{first.Length:x}\r\n"));
                await stream.WriteAsync(first);
                await stream.WriteAsync("\r\n"u8.ToArray());
                for (var sent = 0; sent < 20 * 1024 * 1024; sent += chunk.Length)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
                    await stream.WriteAsync(chunk);
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }
            }
            catch (IOException)
            {
                // the server stopped reading: expected
            }
        });

        var answer = await ReadUntilClosed(stream, TimeSpan.FromSeconds(30));
        await upload;
        return answer.Text;
    }

    /// <summary>Sends raw bytes to a fresh server (what no HttpClient would send) and returns everything it answers.</summary>
    private async Task<string> SendRaw(string request)
    {
        var host = Host();
        host.UseKestrel(0);
        host.StartServer();
        using var tcp = await Connect(host);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var answer = await ReadUntilClosed(stream, TimeSpan.FromSeconds(15));
        Assert.True(answer.Closed, "Kestrel kept the connection of a rejected request open");
        return answer.Text;
    }

    /// <summary>Sends the start of a request and never the rest, to a server with a 1 s header timeout.</summary>
    private async Task<string> SendSlowly(string start)
    {
        var host = Host(("Limits:RequestHeadersTimeoutSeconds", "1"));
        host.UseKestrel(0);
        host.StartServer();
        using var tcp = await Connect(host);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(start));
        var answer = await ReadUntilClosed(stream, TimeSpan.FromSeconds(15));
        Assert.True(answer.Closed, "the stuck connection was still open after 15 s");
        return answer.Text;
    }

    /// <summary>remove.bg's error body (<c>{"errors":[{"title","code","detail"}]}</c>, no envelope) on a raw HTTP/1.1 answer.</summary>
    private static void AssertRawRemoveBgErrors(string answer, int status, string code)
    {
        var (headers, body) = SplitRaw(answer, status);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.False(json.RootElement.TryGetProperty("error", out _), $"FapiHub's envelope on a remove.bg route: {body}");
        var error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray().ToList());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("detail").GetString()));
        Assert.StartsWith("req_", headers["X-Request-Id"], StringComparison.Ordinal);
    }

    /// <summary>The headers and body of a raw answer with <paramref name="status"/>, checked for what every error answer has.</summary>
    private static (Dictionary<string, string> Headers, string Body) SplitRaw(string answer, int status)
    {
        var split = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no complete answer: '{answer}'");
        var head = answer[..split];
        var body = answer[(split + 4)..];
        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        var headers = head.Split("\r\n").Skip(1).Select(line => line.Split(": ", 2)).ToDictionary(h => h[0], h => h[1], StringComparer.OrdinalIgnoreCase);
        Assert.Equal("application/json; charset=utf-8", headers["Content-Type"]);
        Assert.Equal("nosniff", headers["X-Content-Type-Options"]);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), int.Parse(headers["Content-Length"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(headers.ContainsKey("Server"));
        return (headers, body);
    }

    /// <summary>The envelope checks of <see cref="Http.AssertEnvelope"/>, on a raw HTTP/1.1 answer.</summary>
    private static void AssertRawEnvelope(string answer, int status, string code)
    {
        var (headers, body) = SplitRaw(answer, status);

        using var json = System.Text.Json.JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        var requestId = error.GetProperty("request_id").GetString();
        Assert.StartsWith("req_", requestId, StringComparison.Ordinal);
        Assert.Equal(requestId, headers["X-Request-Id"]);
    }

    /// <summary>Waits until the server no longer accepts connections (Kestrel unbinds before it drains).</summary>
    private static async Task WaitUntilRefused(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (SocketException)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the server still accepted connections 15 s after stopping began");
            await Task.Delay(20); // polling a condition with a deadline, not a timing assumption
        }
    }

    private static async Task<TcpClient> Connect(AccountsHost host)
    {
        using var client = host.CreateClient();
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, client.BaseAddress!.Port);
        return tcp;
    }

    private static async Task<(bool Closed, string Text)> ReadUntilClosed(NetworkStream stream, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return (true, text.ToString());
                }

                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            return (true, text.ToString()); // reset by the server
        }
        catch (OperationCanceledException)
        {
            return (false, text.ToString());
        }
    }
}
