using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FapiHub.Tests.Shared;
using SkiaSharp;
using Xunit.Abstractions;

namespace FapiHub.FunctionalTests.Scaling;

/// <summary>
/// Instances behind HAProxy with the real models (the fast tier, small images): exact billing under concurrent load,
/// through an instance killed mid-load, and through a rolling restart.
/// </summary>
[Trait("Category", "External")] // Starts haproxy, redis-server and child dotnet processes.
public sealed class LoadBalancerTests(LoadBalancedDeployment deployment, ITestOutputHelper output) : IClassFixture<LoadBalancedDeployment>
{
    /// <summary>Stands for an answer that was cut off mid-way (no status to record).</summary>
    private const HttpStatusCode CutOff = 0;

    private const int Workers = 6;

    private static readonly byte[] Png = TestImages.Encode(32, 32, (x, y) => x < 16 ? SKColors.Olive : SKColors.White);

    [Fact]
    public async Task PayAsYouGo_When50ConcurrentRequestsShareSixCreditsThroughTheBalancer_ShouldChargeExactlyTheSuccesses()
    {
        const int Credits = 6;
        var key = await deployment.CreateKeyAsync(Credits);
        using var client = deployment.Client(key);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png, model: "ghost"));
            return response.StatusCode == HttpStatusCode.OK ? "200" : $"{(int)response.StatusCode} {await AssertEnvelope(response)}";
        }));

        var served = statuses.Count(s => s == "200");
        var usage = await deployment.UsageAsync(key);
        output.WriteLine($"{served} served, refusals: {string.Join(", ", statuses.Where(s => s != "200").GroupBy(s => s).Select(g => $"{g.Key} ×{g.Count()}"))}");
        Assert.Equal(Credits, served);
        Assert.Equal((served, Credits - served), (usage.Used, usage.Credits));
    }

    [Fact]
    public async Task InstanceKill_WhenAnInstanceIsKilledMidLoad_ShouldFailOnlyItsRequestsInFlightChargeNoneAndLeaveThePool()
    {
        const long Credits = 100_000;
        var key = await deployment.CreateKeyAsync(Credits);
        var results = new ConcurrentBag<(bool StartedAfterKill, HttpStatusCode Status)>();
        var gate = new SendGate();
        var killed = 0;
        var servedAfterKill = 0;
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var enoughAfterKill = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        async Task Worker()
        {
            using var client = deployment.Client(key);
            while (!stop.IsCancellationRequested)
            {
                await gate.EnterAsync();
                var afterKill = Volatile.Read(ref killed) == 1;
                HttpResponseMessage response;
                try
                {
                    response = await client.PostAsync("/v2/rembg/", Http.Form(Png, model: "ghost"), CancellationToken.None);
                }
                catch (HttpRequestException)
                {
                    // The instance died while its answer was on its way (HAProxy had begun forwarding it): the
                    // client got a cut-off response, not a 502. Its commit may already have been made (see below).
                    results.Add((afterKill, CutOff));
                    continue;
                }
                finally
                {
                    gate.Leave();
                }

                using var _ = response;
                results.Add((afterKill, response.StatusCode));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    await AssertEnvelope(response);
                    continue;
                }

                if (results.Count(r => r.Status == HttpStatusCode.OK) >= 4)
                {
                    warmedUp.TrySetResult();
                }

                if (afterKill && Interlocked.Increment(ref servedAfterKill) >= 6)
                {
                    enoughAfterKill.TrySetResult();
                }
            }
        }

        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(Worker)).ToList();
        var inFlight = 0;
        var outAfter = TimeSpan.Zero;
        try
        {
            await Reached(warmedUp.Task, workers, "images served before the kill");

            // No request starts between the count and the instance's death, so the requests that can fail are
            // exactly those in flight at the count. The count is taken when HAProxy's sessions and the clients'
            // requests agree, so that none is still on its way to the balancer, unassigned.
            gate.Close();
            inFlight = await InFlightOnAsync(LoadBalancedDeployment.Name(0), gate);
            var clock = Stopwatch.StartNew();
            await deployment.Instance(0).KillAsync();
            Volatile.Write(ref killed, 1);
            gate.Open();
            await deployment.Balancer.WaitForStatusAsync(LoadBalancedDeployment.Name(0), "DOWN", TimeSpan.FromSeconds(30));
            outAfter = clock.Elapsed;
            await Reached(enoughAfterKill.Task, workers, "images served after the kill");
        }
        finally
        {
            // Whatever happened, the next test starts with both instances in the pool.
            gate.Open();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            await deployment.StartAsync(0);
        }

        var served = results.Count(r => r.Status == HttpStatusCode.OK);
        var failed = results.Where(r => r.Status != HttpStatusCode.OK).ToList();
        var cutOff = failed.Count(f => f.Status == CutOff);
        var usage = await deployment.UsageAsync(key);
        output.WriteLine($"{served} served, {failed.Count} failed ({string.Join(", ", failed.Select(f => f.Status == CutOff ? "cut off" : ((int)f.Status).ToString(System.Globalization.CultureInfo.InvariantCulture)))}); {inFlight} in flight on the killed instance; out of the pool after {outAfter.TotalMilliseconds:F0} ms; {usage.Used} charged");

        // Only requests already on the instance when it died fail: none sent after the kill (those meet a refused
        // connection, retried on the other instance), none of the other instance's.
        Assert.DoesNotContain(failed, f => f.StartedAfterKill);
        Assert.True(failed.Count <= inFlight, $"{failed.Count} requests failed, {inFlight} were in flight on the killed instance");

        // Every image served is charged once. A request refused with a 502 never reached its commit (the answer's
        // headers come after it), so it is not charged; only a cut-off answer may have been (the charging rule's stated
        // window: killed after its commit, while the answer was on its way).
        Assert.InRange(usage.Used, served, served + cutOff);

        // The balance shown is what is left to spend: the killed instance's holds count against it until they lapse
        // (Accounts:ReservationTimeoutSeconds), uncharged.
        Assert.InRange(usage.Credits, Credits - usage.Used - failed.Count, Credits - usage.Used);
    }

    [Fact]
    public async Task RollingRestart_WhenEachInstanceIsDrainedStoppedAndStartedUnderLoad_ShouldFailNoRequest()
    {
        const long Credits = 100_000;
        var key = await deployment.CreateKeyAsync(Credits);
        var statuses = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        async Task Worker()
        {
            using var client = deployment.Client(key);
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png, model: "ghost"), CancellationToken.None);
                statuses.Add(response.StatusCode == HttpStatusCode.OK ? "200" : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(Worker)).ToList();
        for (var i = 0; i < LoadBalancedDeployment.Instances; i++)
        {
            // The operator's procedure (docs/scaling.md): drain in HAProxy, wait for its requests to finish, SIGTERM,
            // start the new version, put it back once its readiness check passes.
            var name = LoadBalancedDeployment.Name(i);
            await deployment.Balancer.CommandAsync($"set server api/{name} state drain");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await deployment.Balancer.ServerAsync(name)).Sessions > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{name} still had requests 60 s after the drain");
                await Task.Delay(100);
            }

            deployment.Instance(i).Terminate();
            Assert.Equal(0, await deployment.Instance(i).ExitCodeAsync(TimeSpan.FromSeconds(60)));
            await deployment.StartAsync(i, status: "DRAIN"); // still drained by the operator, its checks pass
            await deployment.Balancer.CommandAsync($"set server api/{name} state ready");
            await deployment.Balancer.WaitForStatusAsync(name, "UP", TimeSpan.FromSeconds(30));
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var served = statuses.Count(s => s == "200");
        var usage = await deployment.UsageAsync(key);
        output.WriteLine($"{served} served, {statuses.Count - served} failed during the rolling restart");
        Assert.All(statuses, s => Assert.Equal("200", s));
        Assert.Equal((served, Credits - served), (usage.Used, usage.Credits));
    }

    /// <summary>
    /// The sessions HAProxy holds on <paramref name="server"/>, read when its sessions on all servers have equalled the
    /// requests the (closed) gate has in flight on two reads in a row: then every request in flight has been assigned
    /// to a server and counted, and none that has finished is still counted. Requests only finish while the gate is
    /// closed, so this settles within a few reads.
    /// </summary>
    private async Task<int> InFlightOnAsync(string server, SendGate gate)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int? previous = null;
        while (true)
        {
            var before = gate.InFlight;
            var sessions = await deployment.Balancer.SessionsAsync();
            var consistent = before == gate.InFlight && sessions.Values.Sum() == before;
            if (consistent && previous == sessions[server])
            {
                return sessions[server];
            }

            previous = consistent ? sessions[server] : null;
            Assert.True(DateTime.UtcNow < deadline, $"HAProxy's sessions ({string.Join(", ", sessions)}) never matched the {before} requests in flight");
        }
    }

    /// <summary>Lets the workers' requests start, or holds new ones back while it is closed; counts those in flight.</summary>
    private sealed class SendGate
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _opened = Opened();
        private int _inFlight;

        public int InFlight
        {
            get
            {
                lock (_lock)
                {
                    return _inFlight;
                }
            }
        }

        public async Task EnterAsync()
        {
            while (true)
            {
                Task wait;
                lock (_lock)
                {
                    if (_opened.Task.IsCompleted)
                    {
                        _inFlight++;
                        return;
                    }

                    wait = _opened.Task;
                }

                await wait;
            }
        }

        public void Leave()
        {
            lock (_lock)
            {
                _inFlight--;
            }
        }

        public void Close()
        {
            lock (_lock)
            {
                if (_opened.Task.IsCompleted)
                {
                    _opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        public void Open()
        {
            lock (_lock)
            {
                _opened.TrySetResult();
            }
        }

        private static TaskCompletionSource Opened()
        {
            var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            opened.SetResult();
            return opened;
        }
    }

    /// <summary>Any non-200 is in the API's envelope, whether an instance or HAProxy itself answered.</summary>
    private static async Task<string> AssertEnvelope(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{(int)response.StatusCode} not in the envelope: {body}");
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()));
        Assert.StartsWith("req_", error.GetProperty("request_id").GetString(), StringComparison.Ordinal);
        return error.GetProperty("code").GetString()!;
    }

    private static async Task Reached(Task signal, List<Task> workers, string what)
    {
        var all = Task.WhenAll(workers);
        var first = await Task.WhenAny(signal, all, Task.Delay(TimeSpan.FromSeconds(120)));
        if (first == all)
        {
            await all;
        }

        Assert.True(first == signal, $"not reached within 120 s: {what}");
    }
}
