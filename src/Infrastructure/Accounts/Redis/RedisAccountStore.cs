using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Accounts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>
/// Accounts and two-phase charging in Redis, shared by every instance (see <see cref="RedisScripts"/>). A commit or
/// release that cannot reach Redis goes to the <see cref="SettlementOutbox"/> and is applied when Redis is back; the
/// scripts make applying it again harmless, so every delivered image is charged exactly once.
/// </summary>
internal sealed partial class RedisAccountStore(
    RedisConnection redis,
    SettlementOutbox outbox,
    TimeProvider clock,
    IOptions<AccountStoreOptions> options,
    FapiHubMetrics metrics,
    ILogger<RedisAccountStore> logger)
    : IAccountStore, IUsageLedger
{
    /// <summary>Usage counters outlive their month long enough for end-of-month reports, then expire.</summary>
    private const int UsageLifetimeSeconds = 70 * 24 * 3600;

    /// <summary>Marks a queued release of a hold whose Reserve reply was lost: only the part this instance chose is known.</summary>
    private const string UnconfirmedPrefix = "unconfirmed:";

    private static readonly long RetentionMs = (long)AccountStoreOptions.LapsedHoldRetention.TotalMilliseconds;

    private readonly long _holdTimeoutMs = (long)options.Value.ReservationTimeout.TotalMilliseconds;

    // Primaries only: StackExchange.Redis's default (PreferMaster) falls back to a replica while a primary is down, and
    // a replica that is behind, or a node mid-failover, can answer "no such key" for a valid key: a 401 that tells a
    // client its key is wrong. With DemandMaster a missing primary is an error, answered 503 like any outage.
    // Even a primary's "no such key" is not trusted while the topology settles (RedisConnection.RefuseMissWhileUnsettled).
    public ValueTask<Account?> FindByDigestAsync(string keyDigest, CancellationToken cancellationToken) =>
        new(redis.Run(async db =>
        {
            var id = await db.StringGetAsync(redis.DigestKey(keyDigest), CommandFlags.DemandMaster);
            var account = id.IsNull
                ? null
                : ToAccount(id.ToString(), await db.HashGetAllAsync(redis.AccountKey(id.ToString()), CommandFlags.DemandMaster));
            if (account is null)
            {
                redis.RefuseMissWhileUnsettled("API key");
            }

            return account;
        }));

    public ValueTask<Account?> GetAsync(string accountId, CancellationToken cancellationToken) =>
        new(redis.Run(async db => ToAccount(accountId, await db.HashGetAllAsync(redis.AccountKey(accountId)))));

    public ValueTask<IReadOnlyList<Account>> ListAsync(CancellationToken cancellationToken) =>
        new(redis.Run<IReadOnlyList<Account>>(async db =>
        {
            var ids = await db.SortedSetRangeByRankAsync(redis.AccountsKey);
            var accounts = new List<Account>(ids.Length);
            foreach (var id in ids)
            {
                if (ToAccount(id.ToString(), await db.HashGetAllAsync(redis.AccountKey(id.ToString()))) is { } account)
                {
                    accounts.Add(account);
                }
            }

            return accounts;
        }));

    public ValueTask<Account> CreateAsync(NewAccount account, CancellationToken cancellationToken) => Upsert(account, update: false);

    public ValueTask<Account> SeedAsync(NewAccount account, CancellationToken cancellationToken) => Upsert(account, update: true);

    public ValueTask<CreditAdjustment?> AddCreditsAsync(string accountId, long amount, CancellationToken cancellationToken) =>
        new(redis.Run(async db =>
        {
            var result = (RedisValue[])(await db.ScriptEvaluateAsync(
                RedisScripts.AdjustCredits,
                LedgerKeys(accountId, BillingPeriodUnused),
                [amount, 0, 0, RetentionMs]))!;
            return result.Length == 0
                ? null
                : new CreditAdjustment(ToAccount(accountId, result[2..])!, (long)result[0], (long)result[1]);
        }));

    public ValueTask<Account?> ChangePlanAsync(string accountId, string plan, CancellationToken cancellationToken) =>
        Update(accountId, "plan", plan);

    public async ValueTask<bool> RevokeAsync(string accountId, CancellationToken cancellationToken) =>
        await Update(accountId, "revoked", "1") is not null;

    public async ValueTask<ReservationOutcome> ReserveAsync(string accountId, string period, long? monthlyQuota, CancellationToken cancellationToken)
    {
        var outcome = await Reserve(accountId, period, monthlyQuota);
        if (outcome.Status == ReservationStatus.AccountMissing)
        {
            redis.RefuseMissWhileUnsettled("account");
        }

        return outcome;
    }

    private async Task<ReservationOutcome> Reserve(string accountId, string period, long? monthlyQuota)
    {
        var hold = Guid.NewGuid().ToString("N");
        var sent = false;
        try
        {
            return await redis.Run(async db =>
            {
                sent = true;
                var result = (RedisValue[])(await db.ScriptEvaluateAsync(
                    RedisScripts.Reserve,
                    LedgerKeys(accountId, period),
                    [monthlyQuota ?? -1, hold, _holdTimeoutMs, RetentionMs, Guid.NewGuid().ToString("N")]))!;
                if ((int)result[0] == 1)
                {
                    // A hold a failover lost would make its commit look already applied (served, never charged): a
                    // replica confirms it first. Not confirmed in time (no replica up), the request still goes on.
                    await redis.ReplicatedAsync(redis.HoldsKey(accountId));

                    return new ReservationOutcome(ReservationStatus.Reserved, new Reservation(accountId, period, result[2].ToString(), monthlyQuota));
                }

                return new ReservationOutcome((int)result[1] switch
                    {
                        2 => ReservationStatus.QuotaExhausted,
                        3 => ReservationStatus.InsufficientCredits,
                        _ => ReservationStatus.AccountMissing,
                    });
            });
        }
        catch (StoreUnavailableException ex) when (sent)
        {
            // Redis failed while the script was on its way (a crash, a dropped connection): it may have made the hold
            // without our hearing of it. The request answers 503, so the hold is released once Redis is back, instead of
            // keeping a unit held (the balance shown one short) until it lapses.
            Defer(new PendingSettlement(new Reservation(accountId, period, UnconfirmedPrefix + hold, monthlyQuota), Commit: false, clock.GetUtcNow()), ex);
            throw;
        }
    }

    public async ValueTask<Settlement> CommitAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        Settlement settlement;
        try
        {
            settlement = await redis.Run(db => CommitScript(db, reservation));
        }
        catch (StoreUnavailableException ex)
        {
            Defer(new PendingSettlement(reservation, Commit: true, clock.GetUtcNow()), ex);
            return Settlement.Deferred;
        }

        if (settlement.Status == SettlementStatus.Charged && !await redis.ReplicatedAsync(redis.HoldsKey(reservation.AccountId)))
        {
            // The primary has the charge, no replica confirmed it: a failover now would lose it. Applying the commit
            // again once the store answers is harmless (it finds the hold gone and charges nothing more), and charges
            // it if the hold came back with a replica that never saw the commit.
            outbox.TryAdd(new PendingSettlement(reservation, Commit: true, clock.GetUtcNow()));
        }

        return settlement;
    }

    public async ValueTask ReleaseAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        try
        {
            await redis.Run(db => ReleaseScript(db, reservation));
        }
        catch (StoreUnavailableException ex)
        {
            // Not needed for correctness (the hold lapses uncharged), but it frees the unit as soon as Redis is back.
            Defer(new PendingSettlement(reservation, Commit: false, clock.GetUtcNow()), ex);
        }
    }

    public ValueTask<UsageSnapshot> GetUsageAsync(string accountId, string period, CancellationToken cancellationToken) =>
        new(redis.Run(async db =>
        {
            var result = (RedisValue[])(await db.ScriptEvaluateAsync(RedisScripts.Usage, LedgerKeys(accountId, period), [0, 0, 0, RetentionMs]))!;
            return new UsageSnapshot((long)result[0], (long)result[1], (long)result[2]);
        }));

    /// <summary>
    /// The configured accounts this Redis does not have: their digest index or their hash is gone (accounts are never
    /// deleted, so only a store that lost data, restarted empty, flushed or replaced, misses one). <paramref name="guarded"/>
    /// goes through the circuit breaker (readiness, the periodic check); recovery passes <c>false</c>.
    /// </summary>
    public async Task<IReadOnlyList<NewAccount>> MissingAsync(IReadOnlyList<NewAccount> seeds, bool guarded)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0)
        {
            return [];
        }

        // One key per command (no multi-key EXISTS), so it also runs on Redis Cluster; the commands are pipelined.
        Func<IDatabase, Task<bool[]>> call = db => Task.WhenAll(seeds.Select(async seed =>
            await db.KeyExistsAsync(redis.DigestKey(seed.KeyDigest))
            && await db.KeyExistsAsync(redis.AccountKey(ApiKeys.IdFromDigest(seed.KeyDigest)))));
        var present = guarded ? await redis.Run(call) : await redis.RunUnguarded(call);
        return [.. seeds.Where((_, i) => !present[i])];
    }

    /// <summary>Seeds accounts whatever the circuit says (recovery, before it closes the circuit).</summary>
    public async Task SeedUnguardedAsync(IReadOnlyList<NewAccount> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        foreach (var seed in seeds)
        {
            await redis.RunUnguarded(db => UpsertOn(db, seed, update: true));
        }
    }

    /// <summary>
    /// Applies queued settlements oldest first, bypassing the circuit (the recovery service calls it once Redis
    /// answers). Stops at the first one Redis cannot take, leaving it and the rest queued. Returns how many it applied.
    /// </summary>
    public async Task<int> ApplyQueuedSettlementsAsync()
    {
        var applied = 0;
        while (outbox.TryPeek(out var pending))
        {
            if (clock.GetUtcNow() - pending.QueuedAt > AccountStoreOptions.LapsedHoldRetention)
            {
                // Its hold is gone for good: nothing could be charged any more.
                LogGivenUp(pending.Reservation.AccountId, pending.QueuedAt);
                outbox.RemoveOldest();
                continue;
            }

            try
            {
                await redis.RunUnguarded<bool>(async db => pending.Commit
                    ? (await CommitScript(db, pending.Reservation)).Status == SettlementStatus.Charged
                    : await ReleaseScript(db, pending.Reservation));
            }
            catch (StoreUnavailableException)
            {
                return applied;
            }

            outbox.RemoveOldest();
            applied++;
        }

        return applied;
    }

    private async Task<Settlement> CommitScript(IDatabase db, Reservation reservation)
    {
        var result = (RedisValue[])(await db.ScriptEvaluateAsync(
            RedisScripts.Commit,
            [.. LedgerKeys(reservation.AccountId, reservation.Period), redis.OrphansKey(reservation.AccountId)],
            [reservation.MonthlyQuota ?? -1, reservation.Id, UsageLifetimeSeconds, RetentionMs]))!;
        if ((int)result[4] == 1)
        {
            // Redis lost the hold with the account (restarted empty, flushed, replaced): the image was delivered and is
            // charged all the same, but a store that loses data is an operator's problem to know about.
            metrics.SettlementOrphaned();
            LogOrphaned(reservation.AccountId);
        }

        return (int)result[0] == 1
            ? new Settlement(SettlementStatus.Charged, new UsageSnapshot((long)result[1], (long)result[2], (long)result[3]))
            : Settlement.NotCharged;
    }

    private async Task<bool> ReleaseScript(IDatabase db, Reservation reservation) =>
        reservation.Id.StartsWith(UnconfirmedPrefix, StringComparison.Ordinal)
            ? (long)(await db.ScriptEvaluateAsync(RedisScripts.ReleaseUnconfirmed, LedgerKeys(reservation.AccountId, reservation.Period), [reservation.Id[UnconfirmedPrefix.Length..]])) == 1
            : await db.SortedSetRemoveAsync(redis.HoldsKey(reservation.AccountId), reservation.Id);

    private void Defer(PendingSettlement settlement, StoreUnavailableException cause)
    {
        if (outbox.TryAdd(settlement))
        {
            LogDeferred(cause, settlement.Commit ? "commit" : "release", settlement.Reservation.AccountId);
        }
        else
        {
            LogOutboxFull(settlement.Commit ? "commit" : "release", settlement.Reservation.AccountId);
        }
    }

    /// <summary>The usage key is not touched by AdjustCredits; it stays in the list so every ledger script takes the same keys.</summary>
    private const string BillingPeriodUnused = "none";

    private RedisKey[] LedgerKeys(string accountId, string period) =>
        [redis.AccountKey(accountId), redis.UsageKey(accountId, period), redis.HoldsKey(accountId)];

    private ValueTask<Account> Upsert(NewAccount account, bool update)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(redis.Run(db => UpsertOn(db, account, update)));
    }

    private async Task<Account> UpsertOn(IDatabase db, NewAccount account, bool update)
    {
        var id = ApiKeys.IdFromDigest(account.KeyDigest);

        // The account hash first: the digest index and the list only ever point at an account that exists.
        var fields = (RedisValue[])(await db.ScriptEvaluateAsync(
            RedisScripts.Upsert,
            [redis.AccountKey(id)],
            [account.Name, account.Plan, account.Credits, clock.GetUtcNow().ToUnixTimeMilliseconds(), account.KeyDigest, update ? 1 : 0]))!;
        await db.StringSetAsync(redis.DigestKey(account.KeyDigest), id);
        var stored = ToAccount(id, fields)!;
        await db.SortedSetAddAsync(redis.AccountsKey, id, stored.CreatedAt.ToUnixTimeMilliseconds(), SortedSetWhen.NotExists);
        return stored;
    }

    private ValueTask<Account?> Update(string accountId, string field, string value) =>
        new(redis.Run(async db =>
        {
            var fields = (RedisValue[])(await db.ScriptEvaluateAsync(RedisScripts.Update, [redis.AccountKey(accountId)], [field, value]))!;
            return ToAccount(accountId, fields);
        }));

    /// <summary>A script's reply of the hash as a flat list: name, value, name, value, …</summary>
    private static Account? ToAccount(string id, RedisValue[] flat) =>
        ToAccount(id, [.. flat.Chunk(2).Select(pair => new HashEntry(pair[0], pair[1]))]);

    private static Account? ToAccount(string id, HashEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return null;
        }

        var map = entries.ToDictionary(e => e.Name.ToString(), e => e.Value, StringComparer.Ordinal);
        return new Account(
            id,
            map.GetValueOrDefault("name").ToString(),
            map.GetValueOrDefault("plan").ToString(),
            (long)map.GetValueOrDefault("credits"),
            map.GetValueOrDefault("revoked") == "1",
            DateTimeOffset.FromUnixTimeMilliseconds((long)map.GetValueOrDefault("created")));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unreachable at {Step} for {AccountId}; queued until it is back")]
    private partial void LogDeferred(Exception exception, string step, string accountId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Settlement outbox full: {Step} for {AccountId} dropped")]
    private partial void LogOutboxFull(string step, string accountId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Commit for {AccountId} found its hold gone with the account's data (Redis restarted empty, flushed or replaced); charged anyway")]
    private partial void LogOrphaned(string accountId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Settlement for {AccountId} queued at {QueuedAt} is older than the hold retention; given up")]
    private partial void LogGivenUp(string accountId, DateTimeOffset queuedAt);
}
