using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FapiHub.FunctionalTests.Accounts;
using FapiHub.Tests.Shared;
using SkiaSharp;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// Issue 25, item 3: a client that resets or closes its connection before the response's first byte is not charged,
/// wherever in the processing it leaves. A real Kestrel server and a real TCP reset (or FIN); the abort point is a held
/// pipeline stage, and the server's own abort token says when it has seen the client go, so nothing depends on timing.
/// </summary>
public sealed class DisconnectChargingTests
{
    private const long StartingCredits = 5;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly PipelineGates _gates = new();

    [Theory]
    [InlineData(PipelineGates.Probe, true)] // before its turn, while its header is read
    [InlineData(PipelineGates.Model, true)] // during inference; the run still finishes (the 80 % and 95 %)
    [InlineData(PipelineGates.Render, true)] // after inference, while the effect is composed and encoded
    [InlineData(PipelineGates.Model, false)] // a polite close (FIN) instead of a reset
    [InlineData(PipelineGates.Render, false)]
    public async Task Post_WhenTheClientLeavesBeforeTheFirstByte_ShouldNotCharge(string stage, bool reset)
    {
        _gates.HoldAt = stage;
        await using var host = Start();
        var (_, key) = await host.CreateKeyAsync("payg", StartingCredits);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Port(host));
        await socket.SendAsync(await RawRequest(key));

        var requestAborted = await _gates.Entered.WaitAsync(Patience);
        if (reset)
        {
            socket.LingerState = new LingerOption(true, 0); // RST
        }
        else
        {
            socket.Shutdown(SocketShutdown.Both); // FIN
        }

        socket.Close(); // the client is gone before any byte of the response
        await WhenCancelled(requestAborted).WaitAsync(Patience); // the server has seen it go
        _gates.Release();

        Assert.Equal("release", await _gates.Settled.WaitAsync(Patience));
        Assert.Equal((StartingCredits, 0L), await Balance(host, key));
    }

    [Fact]
    public async Task Post_WhenTheClientStaysToTheEnd_ShouldChargeOnce()
    {
        await using var host = Start();
        var (_, key) = await host.CreateKeyAsync("payg", StartingCredits);
        using var client = host.Client(key);

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(Photo()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("X-Credits-Charged").Single());
        Assert.Equal("commit", await _gates.Settled.WaitAsync(Patience));
        Assert.Equal((StartingCredits - 1, 1L), await Balance(host, key));
    }

    private static byte[] Photo() => TestImages.Encode(8, 8, (x, _) => x < 4 ? SKColors.Plum : SKColors.Teal);

    private AccountsHost Start()
    {
        var host = new AccountsHost(
            null,
            "disconnects",
            new Dictionary<string, string> { ["Plans:payg:PerMinute"] = "100000" },
            services: _gates.Install);
        host.UseKestrel(0);
        host.StartServer();
        return host;
    }

    private static int Port(AccountsHost host)
    {
        using var client = host.CreateClient();
        return client.BaseAddress!.Port;
    }

    private static async Task<byte[]> RawRequest(string key)
    {
        using var form = Http.Form(Photo());
        var body = await form.ReadAsByteArrayAsync();
        var head = $"POST /v2/rembg/ HTTP/1.1\r\nHost: localhost\r\nApiKey: {key}\r\nContent-Type: {form.Headers.ContentType}\r\nContent-Length: {body.Length}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    private static Task WhenCancelled(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => cancelled.TrySetResult());
        return cancelled.Task;
    }

    /// <summary>Credits available (less any open hold) and images charged this month.</summary>
    private static async Task<(long Credits, long Used)> Balance(AccountsHost host, string key)
    {
        using var client = host.Client(key);
        using var response = await client.GetAsync("/v2/usage");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        return (root.GetProperty("credits").GetInt64(), root.GetProperty("used").GetInt64());
    }
}
