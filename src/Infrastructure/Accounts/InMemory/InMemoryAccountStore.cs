using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Accounts;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Accounts.InMemory;

/// <summary>
/// The embedded store for a single instance with nothing installed: the same semantics as the Redis store
/// (two-phase charging, lapsing holds, idempotent seeding), made atomic by one lock. State lives in this process
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

    public ValueTask<Account?> AddCreditsAsync(string accountId, long amount, CancellationToken cancellationToken) =>
        Update(accountId, state => state.Credits = Math.Max(0, state.Credits + amount));

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
            state.DropLapsedHolds(now);
            var pending = state.Holds.Count;
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

    public ValueTask<UsageSnapshot?> CommitAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        lock (_lock)
        {
            if (!_byId.TryGetValue(reservation.AccountId, out var state))
            {
                return ValueTask.FromResult<UsageSnapshot?>(null);
            }

            state.DropLapsedHolds(clock.GetUtcNow());
            if (!state.Holds.Remove(reservation.Id))
            {
                return ValueTask.FromResult<UsageSnapshot?>(null);
            }

            state.Usage[reservation.Period] = state.UsedIn(reservation.Period) + 1;
            if (reservation.MonthlyQuota is null)
            {
                state.Credits--;
            }

            return ValueTask.FromResult<UsageSnapshot?>(state.Snapshot(reservation.Period));
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
            if (!_byId.TryGetValue(accountId, out var state))
            {
                return ValueTask.FromResult(new UsageSnapshot(0, 0, 0));
            }

            state.DropLapsedHolds(clock.GetUtcNow());
            return ValueTask.FromResult(state.Snapshot(period));
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

        /// <summary>Open reservations and when each lapses.</summary>
        public Dictionary<string, DateTimeOffset> Holds { get; } = new(StringComparer.Ordinal);

        public long UsedIn(string period) => Usage.GetValueOrDefault(period);

        public void DropLapsedHolds(DateTimeOffset now)
        {
            foreach (var (holdId, expires) in Holds)
            {
                if (expires <= now)
                {
                    Holds.Remove(holdId);
                }
            }
        }

        public UsageSnapshot Snapshot(string period) => new(UsedIn(period), Holds.Count, Credits);

        public Account ToAccount() => new(Id, Name, Plan, Credits, Revoked, CreatedAt);
    }
}
