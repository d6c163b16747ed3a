using FapiHub.Application.Abstractions.Accounts;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>
/// The one multiplexer of the process, the key layout, and the circuit breaker in front of Redis. Connects lazily and
/// never aborts on a failed connect, so an instance starts while Redis is down and heals by itself when it returns.
/// </summary>
/// <remarks>
/// The first call that finds Redis unreachable (refused, reset, timed out, still loading its data) opens the circuit;
/// from then on every call fails at once with <see cref="StoreUnavailableException"/> (503 in microseconds instead of
/// each caller waiting for the client's timeout) until <see cref="RedisRecoveryService"/>'s probe sees Redis answer,
/// replays the settlements queued meanwhile and closes it. Commands are never queued while disconnected
/// (<see cref="BacklogPolicy.FailFast"/>): a queued command would only time out later. The operation timeout stays at
/// the client's 5 s default: it bounds a Redis that hangs, and a busy 2-core box running inference can delay replies
/// by more than a second or two.
/// </remarks>
internal sealed partial class RedisConnection : IDisposable
{
    /// <summary>Error replies of a Redis that cannot serve anyone right now (still loading, busy with a script, no primary, …).</summary>
    private const int ClusterSlots = 16384;

    /// <summary>How long a primary whose replicas did not acknowledge in time is written without waiting for them.</summary>
    private const int UnreplicatedRetryMs = 5000;

    private static readonly string[] OutageReplies = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "CLUSTERDOWN", "TRYAGAIN"];

    private readonly Lazy<ConnectionMultiplexer> _multiplexer;
    private readonly string _prefix;
    private readonly ILogger<RedisConnection> _logger;
    private readonly int _replicaAcks;
    private readonly ConcurrentDictionary<System.Net.EndPoint, long> _unreplicatedUntil = new();
    private readonly int _replicaAckTimeoutMs;
    private readonly long _settleMs;
    private long _unsettledUntil;
    private int _open;

    public RedisConnection(string connectionString, IOptions<AccountStoreOptions> options, ILogger<RedisConnection> logger)
    {
        _prefix = options.Value.RedisKeyPrefix;
        _logger = logger;
        _replicaAcks = options.Value.RedisReplicaAcks;
        _replicaAckTimeoutMs = options.Value.RedisReplicaAckTimeoutMilliseconds;
        _settleMs = options.Value.RedisSettleSeconds * 1000L;
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2000);
        configuration.BacklogPolicy = BacklogPolicy.FailFast;

        // Reconnect attempts at a steady pace, so service resumes within about a second of Redis coming back.
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        configuration.ClientName ??= "fapihub";
        _multiplexer = new Lazy<ConnectionMultiplexer>(() =>
        {
            var multiplexer = ConnectionMultiplexer.Connect(configuration);
            multiplexer.ConnectionFailed += (_, _) => Unsettle();
            multiplexer.ConnectionRestored += (_, _) => Unsettle();
            multiplexer.HashSlotMoved += (_, _) => Unsettle();
            return multiplexer;
        });
    }

    /// <summary>False while the circuit is open: Redis was found unreachable and has not answered a probe since.</summary>
    public bool IsAvailable => Volatile.Read(ref _open) == 0;

    /// <summary>
    /// False for <see cref="AccountStoreOptions.RedisSettleSeconds"/> after a connection was lost or restored or a hash
    /// slot moved. Meanwhile a promoted replica may lack what its primary had not yet sent it, or the client's map of
    /// the cluster may be behind it: the store does not call a key unknown then (<see cref="RefuseMissWhileUnsettled"/>).
    /// </summary>
    private bool IsSettled => Environment.TickCount64 >= Volatile.Read(ref _unsettledUntil);

    /// <summary>
    /// Throws <see cref="StoreUnavailableException"/> (503) instead of letting a missing key or account become a 401
    /// while the topology is settling: a valid key must never be called invalid because a failover was under way.
    /// </summary>
    public void RefuseMissWhileUnsettled(string what)
    {
        if (!IsSettled)
        {
            LogUnsettledMiss(what);
            throw new StoreUnavailableException($"Redis found no {what} while its topology was changing; it cannot tell yet whether it exists.");
        }
    }

    public RedisKey DigestKey(string digest) => $"{_prefix}:digest:{digest}";

    public RedisKey AccountsKey => $"{_prefix}:accounts";

    // The braces are Redis Cluster hash tags: every per-account key hashes to the account's slot.
    public RedisKey AccountKey(string id) => $"{_prefix}:{{{id}}}:account";

    public RedisKey UsageKey(string id, string period) => $"{_prefix}:{{{id}}}:usage:{period}";

    public RedisKey HoldsKey(string id) => $"{_prefix}:{{{id}}}:holds";

    public RedisKey BucketKey(string id) => $"{_prefix}:{{{id}}}:bucket";

    /// <summary>Holds the store lost but whose commit was charged anyway (kept for the retention, so a replay charges nothing more).</summary>
    public RedisKey OrphansKey(string id) => $"{_prefix}:{{{id}}}:orphans";

    private IDatabase Database => _multiplexer.Value.GetDatabase();

    /// <summary>
    /// Runs a Redis call through the circuit breaker: refused at once while it is open; a failure that means Redis is
    /// unreachable opens it. Every Redis failure surfaces as <see cref="StoreUnavailableException"/>.
    /// </summary>
    public async Task<T> Run<T>(Func<IDatabase, Task<T>> call)
    {
        if (!IsAvailable)
        {
            throw new StoreUnavailableException("Redis is unreachable; calls are refused until it answers again.");
        }

        try
        {
            return await RunUnguarded(call);
        }
        catch (StoreUnavailableException ex) when (IsOutage(ex.InnerException!))
        {
            Open(ex.InnerException!);
            throw;
        }
    }

    /// <summary>Runs a call whatever the circuit says (recovery only); failures surface as <see cref="StoreUnavailableException"/>.</summary>
    public async Task<T> RunUnguarded<T>(Func<IDatabase, Task<T>> call)
    {
        try
        {
            return await call(Database);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new StoreUnavailableException("Redis is unavailable: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// Whether Redis serves scripts now. A script rather than PING: a Redis that is still loading its data after a
    /// restart answers PING but refuses scripts with LOADING.
    /// </summary>
    public async Task<bool> ProbeAsync()
    {
        try
        {
            var multiplexer = _multiplexer.Value;
            if (!multiplexer.GetServers().Any(s => s.ServerType == ServerType.Cluster))
            {
                await Database.ScriptEvaluateAsync("return 1");
                return true;
            }

            return await ProbeClusterAsync(multiplexer);
        }
        catch (Exception ex) when (ex is RedisException or RedisCommandException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until <see cref="AccountStoreOptions.RedisReplicaAcks"/> replicas of the primary that holds
    /// <paramref name="key"/> have every write this instance sent it so far (Redis <c>WAIT</c>, on the same connection as
    /// the writes), or the timeout passes. True when acknowledged (or when no acknowledgement is asked for).
    /// </summary>
    public async Task<bool> ReplicatedAsync(RedisKey key)
    {
        if (_replicaAcks == 0)
        {
            return true;
        }

        try
        {
            var server = _multiplexer.Value.GetServer(key, null, CommandFlags.DemandMaster);
            if (_unreplicatedUntil.TryGetValue(server.EndPoint, out var until) && Environment.TickCount64 < until)
            {
                return false;
            }

            if ((long)await server.ExecuteAsync("WAIT", _replicaAcks, _replicaAckTimeoutMs) >= _replicaAcks)
            {
                _unreplicatedUntil.TryRemove(server.EndPoint, out _);
                return true;
            }

            // A primary without a live replica (lost, or promoted itself after a failover) would make every write wait
            // the whole timeout: such a primary is not asked again for a while, and the operator is told once.
            _unreplicatedUntil[server.EndPoint] = Environment.TickCount64 + UnreplicatedRetryMs;
            LogNotReplicated(server.EndPoint.ToString() ?? "?", _replicaAcks, _replicaAckTimeoutMs, UnreplicatedRetryMs / 1000);
            return false;
        }
        catch (Exception ex) when (ex is RedisException or RedisCommandException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// A cluster serves every account only when each hash slot has a primary that answers: after a primary is lost
    /// the client's slot map still names it until refreshed, so the probe refreshes the map, requires every slot to be
    /// owned by a primary no node reports failing, and runs a script on each of those primaries. A probe that only
    /// reached some node would close the circuit while the accounts of the lost shard still fail.
    /// </summary>
    private static async Task<bool> ProbeClusterAsync(ConnectionMultiplexer multiplexer)
    {
        await multiplexer.ConfigureAsync();
        var map = multiplexer.GetServers().Where(s => s.IsConnected).Select(s => s.ClusterConfiguration).FirstOrDefault(c => c is not null);
        var primaries = map?.Nodes.Where(n => !n.IsReplica && n.Slots.Count > 0).ToList() ?? [];
        if (primaries.Count == 0
            || primaries.Any(n => n.IsFail || n.IsPossiblyFail || n.EndPoint is null)
            || primaries.Sum(n => n.Slots.Sum(range => range.To - range.From + 1)) < ClusterSlots)
        {
            return false;
        }

        foreach (var node in primaries)
        {
            await multiplexer.GetServer(node.EndPoint!).ExecuteAsync("EVAL", "return 1", 0);
        }

        return true;
    }

    /// <summary>Closes the circuit (called by the recovery service once Redis answers and queued settlements are applied).</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _open, 0) == 1)
        {
            LogClosed();
        }
    }

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }

    /// <summary>
    /// Failures that say Redis cannot serve anyone right now. A script error or a wrong-type reply is a bug, not an
    /// outage, and must not take the store offline for every caller.
    /// </summary>
    private static bool IsOutage(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => OutageReplies.Any(reply => server.Message.StartsWith(reply, StringComparison.Ordinal)),
        _ => false,
    };

    private void Unsettle() => Volatile.Write(ref _unsettledUntil, Environment.TickCount64 + _settleMs);

    private void Open(Exception cause)
    {
        if (Interlocked.Exchange(ref _open, 1) == 0)
        {
            LogOpened(cause);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis is unreachable: store calls answer 503 at once until a probe sees it back")]
    private partial void LogOpened(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis primary {EndPoint}: fewer than {Acks} replica(s) acknowledged within {TimeoutMs} ms; writes to it go on unconfirmed for {Seconds} s (a failover meanwhile could lose them)")]
    private partial void LogNotReplicated(string endPoint, int acks, int timeoutMs, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis found no {What} moments after a connection or slot change: answered 503, not 401")]
    private partial void LogUnsettledMiss(string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again: store calls resume")]
    private partial void LogClosed();
}
