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
        var host = Host(("Limits:DrainTimeoutSeconds", "20"));
        host.UseKestrel(0);
        host.StartServer();
        var (id, key) = await host.CreateKeyAsync("payg", 5);
        using var client = host.Client(key);
        var slow = TestImages.Encode(AccountsHost.SlowWidth, 8, (_, _) => SKColors.Plum); // the fake model takes 1.5 s
        var ledger = host.Services.GetRequiredService<IUsageLedger>(); // the embedded store outlives the stopped host

        var inFlight = client.PostAsync("/v2/rembg/", Http.Form(slow));
        await Task.Delay(400);
        var stopping = Task.Run(() => host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication());
        await Task.Delay(200);

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
                using var late = await client.PostAsync("/v2/rembg/", Http.Form(slow));
                await Task.Delay(100);
            }
        });
    }

    [Fact]
    public async Task SlowClient_WhenHeadersNeverFinish_ShouldBeDisconnected()
    {
        var host = Host(("Limits:RequestHeadersTimeoutSeconds", "1"));
        host.UseKestrel(0);
        host.StartServer();

        using var tcp = await Connect(host);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /v2/rembg/ HTTP/1.1\r\nHost: localhost\r\n"));

        // Kestrel answers 408 (or just closes) once the header timeout passes; either way the connection ends.
        var answer = await ReadUntilClosed(stream, TimeSpan.FromSeconds(15));
        Assert.True(answer.Closed, "the stuck connection was still open after 15 s");
    }

    [Fact]
    public async Task SlowClient_WhenTheBodyTricklesBelowTheMinimumRate_ShouldBeCutOff()
    {
        var host = Host(("Limits:MinRequestBodyBytesPerSecond", "2000"), ("Limits:MinRequestBodyGraceSeconds", "2"));
        host.UseKestrel(0);
        host.StartServer();
        var (_, key) = await host.CreateKeyAsync("payg", 5);

        using var tcp = await Connect(host);
        var stream = tcp.GetStream();
        var head = "POST /v2/rembg/ HTTP/1.1\r\nHost: localhost\r\nApiKey: " + key +
            "\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 500000\r\n\r\n--x\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        var answer = await ReadUntilClosed(stream, TimeSpan.FromSeconds(20));
        Assert.True(answer.Closed, "the trickling upload was still open after 20 s");
        Assert.DoesNotContain("HTTP/1.1 200", answer.Text, StringComparison.Ordinal);
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
