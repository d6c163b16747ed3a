using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FapiHub.Domain.Accounts;
using FapiHub.Tests.Shared;
using SkiaSharp;
using Xunit.Abstractions;

namespace FapiHub.FunctionalTests.Accounts;

/// <summary>
/// A Redis Cluster primary killed (<c>kill -9</c>) under load: its replica takes over, the instance resumes by itself,
/// and every image served is charged exactly once.
/// </summary>
[Trait("Category", "External")] // Starts six redis-server processes and redis-cli.
[Collection(RedisClusterGroup.Name)]
public sealed class RedisClusterFailoverTests(RedisClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly byte[] Png = TestImages.Encode(8, 8, (_, _) => SKColors.Olive);

    [Fact]
    public async Task PrimaryKill_WhenUnderLoad_ShouldFailOverByItselfAndChargeEveryServedImageExactlyOnce()
    {
        const long Credits = 1_000_000;
        var cluster = fixture.Cluster;
        var prefix = "failover-" + Guid.NewGuid().ToString("N")[..8];
        var logs = new LogSignals();
        await using var host = new AccountsHost(cluster.ConnectionString, prefix, new Dictionary<string, string>
        {
            ["Accounts:RedisProbeIntervalMilliseconds"] = "100",
            ["Accounts:RedisReplicaAcks"] = "1",
            ["Plans:payg:PerMinute"] = "1000000",
        }, logging: logs.Install);
        var (id, key) = await host.CreateKeyAsync("payg", credits: Credits);
        var accountKey = $"{prefix}:{{{id}}}:account";
        var digestKey = $"{prefix}:digest:{ApiKeys.Digest(key)}";
        var primary = await cluster.PrimaryOfAsync(accountKey);
        var described = 0;

        var served = 0;
        var servedUnsettled = 0;
        var servedAfterKill = 0;
        var refused = new ConcurrentBag<HttpStatusCode>();
        var killed = 0;
        var clock = Stopwatch.StartNew();
        var refusedAt = new ConcurrentBag<double>();
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        async Task Worker()
        {
            using var client = host.Client(key);
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Assert.Equal("1", response.Headers.GetValues("X-Credits-Charged").Single());
                    Interlocked.Increment(ref served);
                    if (!response.Headers.Contains("X-Credits-Remaining"))
                    {
                        Interlocked.Increment(ref servedUnsettled); // served while its commit was queued
                    }

                    if (Volatile.Read(ref served) >= 50)
                    {
                        warmedUp.TrySetResult();
                    }

                    if (Volatile.Read(ref killed) == 1 && Interlocked.Increment(ref servedAfterKill) >= 50 && !refusedAt.IsEmpty)
                    {
                        resumed.TrySetResult();
                    }
                }
                else
                {
                    // What a client sees meanwhile: 503 service_unavailable with retry_after, never a 500 or a hang.
                    // Anything else fails the test with the app's last log lines (which step answered, what Redis said).
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable && Interlocked.Exchange(ref described, 1) == 0)
                    {
                        output.WriteLine($"{(int)response.StatusCode} after the kill: {Volatile.Read(ref killed) == 1}; the app's last log lines:{Environment.NewLine}{logs.Recent(40)}");
                        output.WriteLine($"the cluster (killed {primary}):{Environment.NewLine}{await cluster.DescribeAsync(digestKey, accountKey)}");
                        output.WriteLine($"replica acknowledgements missed: {logs.Times("acknowledged within")}");
                    }

                    await Http.AssertEnvelope(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
                    refused.Add(response.StatusCode);
                    refusedAt.Add(clock.Elapsed.TotalMilliseconds);
                    await Task.Delay(20, CancellationToken.None); // a client backing off, not a timing assumption
                }
            }
        }

        var workers = Enumerable.Range(0, 6).Select(_ => Task.Run(Worker)).ToList();
        await Reached(warmedUp.Task, workers, "traffic before the kill");
        // The test is about a failover that loses nothing acknowledged, so the kill waits for the replica to hold every
        // write made so far (asynchronous replication: a kill before that loses what the replica had not received).
        var lag = await cluster.WaitForReplicasAsync(primary);
        var killedAt = clock.Elapsed.TotalMilliseconds;
        await cluster.KillAsync(primary);
        Volatile.Write(ref killed, 1);
        try
        {
            await Reached(resumed.Task, workers, "service resuming after the failover");
        }
        catch
        {
            // The other classes of the collection share this cluster: a failed failover must not fail them too.
            await stop.CancelAsync();
            await cluster.RestartAsync(primary);
            throw;
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);

        // The circuit closes only once the queued settlements are applied: from then on the figures are final.
        using var client = host.Client(key);
        var usage = await WaitForUsage(client);
        output.WriteLine(
            $"served {served} (of which {servedUnsettled} with the commit queued), refused {refused.Count} with 503 " +
            $"from {refusedAt.Min() - killedAt:F0} ms to {refusedAt.Max() - killedAt:F0} ms after the kill, of which " +
            $"{logs.Times("moments after a connection or slot change")} for a key or account not found while the cluster settled; " +
            $"the replica was {lag} bytes behind before the kill; {logs.Times("acknowledged within")} replica acknowledgements missed; " +
            $"used {usage.Used}, credits {usage.Credits}");

        Assert.Equal((long)served, usage.Used);
        Assert.Equal(Credits - served, usage.Credits);

        // Leaves the cluster whole for the other classes of the collection: the old primary rejoins as a replica.
        await cluster.RestartAsync(primary);
    }

    private static async Task Reached(Task signal, List<Task> workers, string what)
    {
        var all = Task.WhenAll(workers);
        var first = await Task.WhenAny(signal, all, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first == all)
        {
            await all; // a worker's own failure
        }

        Assert.True(first == signal, $"not reached within 60 s: {what}");
    }

    private static async Task<(long Used, long Credits)> WaitForUsage(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync("/v2/usage");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return (body.RootElement.GetProperty("used").GetInt64(), body.RootElement.GetProperty("credits").GetInt64());
            }

            Assert.True(DateTime.UtcNow < deadline, "the instance did not recover within 30 s of the failover");
            await Task.Delay(100);
        }
    }
}
