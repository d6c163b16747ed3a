using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Accounts;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Accounts.InMemory;

/// <summary>
/// The embedded store for a single instance with nothing installed: the same semantics as the Redis store
/// (two-phase charging, lapsing holds, idempotent seeding, credit corrections never below the held credits), made atomic by one lock. State lives in this process
/// only: it is neither shared between instances nor kept across restarts.
/// </summary>
internal sealed class InMemoryAccountStore(TimeProvider clock, IOptions<AccountStoreOptions> options) : IAccountStore, IUsageLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AccountState> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idByDigest = new(StringComparer.Ordinal);
    private readonly TimeSpan _holdTimeout = options.Value.ReservationTimeout;

    public ValueTask<Account?> FindByDigestAsync(string keyDigest, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_idByDigest.TryGetValue(keyDigest, out var id) ? _byId[id].ToAccount() : null);
        }
    }

    public ValueTask<Account?> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_byId.GetValueOrDefault(accountId)?.ToAccount());
        }
    }

    public ValueTask<IReadOnlyList<Account>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<Account> all = [.. _byId.Values.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal).Select(a => a.ToAccount())];
            return ValueTask.FromResult(all);
        }
    }

    public ValueTask<Account> CreateAsync(NewAccount account, CancellationToken cancellationToken) => Upsert(account, updateExisting: false);

    public ValueTask<Account> SeedAsync(NewAccount account, CancellationToken cancellationToken) => Upsert(account, updateExisting: true);

    public ValueTask<CreditAdjustment?> AddCreditsAsync(string accountId, long amount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(accountId, out var state))
            {
                return ValueTask.FromResult<CreditAdjustment?>(null);
            }

            var held = state.Pending(clock.GetUtcNow());
            var applied = CreditRules.Applicable(state.Credits, held, amount);
            state.Credits += applied;
            return ValueTask.FromResult<CreditAdjustment?>(new CreditAdjustment(state.ToAccount(), applied, held));
        }
    }

    public ValueTask<Account?> ChangePlanAsync(string accountId, string plan, CancellationToken cancellationToken) =>
        Update(accountId, state => state.Plan = plan);

    public async ValueTask<bool> RevokeAsync(string accountId, CancellationToken cancellationToken) =>
        await Update(accountId, state => state.Revoked = true) is not null;

    public ValueTask<ReservationOutcome> ReserveAsync(string accountId, string period, long? monthlyQuota, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(accountId, out var state) || state.Revoked)
            {
                return ValueTask.FromResult(new ReservationOutcome(ReservationStatus.AccountMissing));
            }

            var now = clock.GetUtcNow();
            var pending = state.Pending(now);
            var allowed = monthlyQuota is { } quota
                ? state.UsedIn(period) + pending < quota
                : state.Credits - pending >= 1;
            if (!allowed)
            {
                return ValueTask.FromResult(new ReservationOutcome(
                    monthlyQuota is null ? ReservationStatus.InsufficientCredits : ReservationStatus.QuotaExhausted));
            }

            var reservation = new Reservation(accountId, period, Guid.NewGuid().ToString("N"), monthlyQuota);
            state.Holds[reservation.Id] = now + _holdTimeout;
            return ValueTask.FromResult(new ReservationOutcome(ReservationStatus.Reserved, reservation));
        }
    }

    /// <summary>
    /// Charges the hold, also when it has lapsed (the image was delivered; in this store that needs a request slower
    /// than the hold timeout). A lapsed hold's credit was free for others meanwhile, so it is taken only if one is left.
    /// </summary>
    public ValueTask<Settlement> CommitAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        lock (_lock)
        {
            if (!_byId.TryGetValue(reservation.AccountId, out var state) || !state.Holds.Remove(reservation.Id))
            {
                return ValueTask.FromResult(Settlement.NotCharged);
            }

            state.Usage[reservation.Period] = state.UsedIn(reservation.Period) + 1;
            if (reservation.MonthlyQuota is null && state.Credits > 0)
            {
                state.Credits--;
            }

            return ValueTask.FromResult(new Settlement(SettlementStatus.Charged, state.Snapshot(reservation.Period, clock.GetUtcNow())));
        }
    }

    public ValueTask ReleaseAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        lock (_lock)
        {
            _byId.GetValueOrDefault(reservation.AccountId)?.Holds.Remove(reservation.Id);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<UsageSnapshot> GetUsageAsync(string accountId, string period, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_byId.GetValueOrDefault(accountId)?.Snapshot(period, clock.GetUtcNow()) ?? new UsageSnapshot(0, 0, 0));
        }
    }

    private ValueTask<Account> Upsert(NewAccount account, bool updateExisting)
    {
        ArgumentNullException.ThrowIfNull(account);
        var id = ApiKeys.IdFromDigest(account.KeyDigest);
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out var existing))
            {
                if (updateExisting)
                {
                    existing.Name = account.Name;
                    existing.Plan = account.Plan;
                }

                return ValueTask.FromResult(existing.ToAccount());
            }

            var state = new AccountState(id, clock.GetUtcNow()) { Name = account.Name, Plan = account.Plan, Credits = account.Credits };
            _byId[id] = state;
            _idByDigest[account.KeyDigest] = id;
            return ValueTask.FromResult(state.ToAccount());
        }
    }

    private ValueTask<Account?> Update(string accountId, Action<AccountState> change)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(accountId, out var state))
            {
                return ValueTask.FromResult<Account?>(null);
            }

            change(state);
            return ValueTask.FromResult<Account?>(state.ToAccount());
        }
    }

    private sealed class AccountState(string id, DateTimeOffset createdAt)
    {
        public string Id { get; } = id;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public required string Name { get; set; }

        public required string Plan { get; set; }

        public long Credits { get; set; }

        public bool Revoked { get; set; }

        /// <summary>Images charged per period (yyyyMM).</summary>
        public Dictionary<string, long> Usage { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// Unsettled reservations and when each lapses. A lapsed hold no longer counts against the balance but is kept
        /// (as in the Redis store) so that a late commit of a delivered image still charges it once.
        /// </summary>
        public Dictionary<string, DateTimeOffset> Holds { get; } = new(StringComparer.Ordinal);

        public long UsedIn(string period) => Usage.GetValueOrDefault(period);

        /// <summary>Holds still counting against the balance; forgets those lapsed longer than the retention.</summary>
        public long Pending(DateTimeOffset now)
        {
            var pending = 0L;
            foreach (var (holdId, lapses) in Holds)
            {
                if (lapses > now)
                {
                    pending++;
                }
                else if (lapses + AccountStoreOptions.LapsedHoldRetention <= now)
                {
                    Holds.Remove(holdId);
                }
            }

            return pending;
        }

        public UsageSnapshot Snapshot(string period, DateTimeOffset now) => new(UsedIn(period), Pending(now), Credits);

        public Account ToAccount() => new(Id, Name, Plan, Credits, Revoked, CreatedAt);
    }
}
