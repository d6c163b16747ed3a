namespace FapiHub.Application.Abstractions.Accounts;

/// <summary>A hold on one image's worth of quota or credit, taken before the work and settled after it.</summary>
public sealed record Reservation(string AccountId, string Period, string Id, long? MonthlyQuota);

public enum ReservationStatus
{
    Reserved,
    QuotaExhausted,
    InsufficientCredits,
    AccountMissing,
}

public sealed record ReservationOutcome(ReservationStatus Status, Reservation? Reservation = null);

/// <summary>An account's usage in one period. <paramref name="Pending"/> counts reservations not yet settled.</summary>
public sealed record UsageSnapshot(long Used, long Pending, long Credits)
{
    /// <summary>What a quota plan has left this period: the quota less what is used and what is held, never negative.</summary>
    public long QuotaRemaining(long quota) => Math.Max(0, quota - Used - Pending);

    /// <summary>The credits a pay-per-use key can still spend: its balance less what is held, never negative.</summary>
    public long CreditsAvailable => Math.Max(0, Credits - Pending);
}

public enum SettlementStatus
{
    /// <summary>Charged now; the snapshot is the usage after the charge.</summary>
    Charged,

    /// <summary>
    /// The store could not be reached: the charge is queued and applied, exactly once, when it answers again. The
    /// image is charged; only the balance after it is not known yet.
    /// </summary>
    Deferred,

    /// <summary>There was nothing to charge: the hold was already settled (a repeated commit) or never existed.</summary>
    NotCharged,
}

/// <summary>The outcome of <see cref="IUsageLedger.CommitAsync"/>; <paramref name="Usage"/> is set when <see cref="SettlementStatus.Charged"/>.</summary>
public sealed record Settlement(SettlementStatus Status, UsageSnapshot? Usage = null)
{
    public static readonly Settlement Deferred = new(SettlementStatus.Deferred);

    public static readonly Settlement NotCharged = new(SettlementStatus.NotCharged);
}

/// <summary>
/// Quota and credit accounting with two-phase charging: <see cref="ReserveAsync"/> atomically checks and holds one
/// unit, <see cref="CommitAsync"/> turns the hold into a charge, <see cref="ReleaseAsync"/> drops it. A hold that is
/// neither committed nor released (a crashed instance) stops counting against the balance after a timeout.
/// </summary>
/// <remarks>
/// The charging rule: a delivered image is charged exactly once and a refused or failed request never. So settling
/// never fails: <see cref="CommitAsync"/> and <see cref="ReleaseAsync"/> do not throw <see cref="StoreUnavailableException"/>;
/// an implementation whose store is unreachable queues the settlement and applies it when the store is back.
/// </remarks>
public interface IUsageLedger
{
    /// <summary>
    /// Holds one unit: for a quota plan (<paramref name="monthlyQuota"/> set) when used + held &lt; quota; for a
    /// pay-per-use plan (<c>null</c>) when credits − held ≥ 1.
    /// </summary>
    ValueTask<ReservationOutcome> ReserveAsync(string accountId, string period, long? monthlyQuota, CancellationToken cancellationToken);

    /// <summary>Charges a held unit: usage + 1, and credits − 1 on pay-per-use. Committing twice charges once.</summary>
    ValueTask<Settlement> CommitAsync(Reservation reservation, CancellationToken cancellationToken);

    /// <summary>Drops a hold without charging. Releasing twice, or after a commit, does nothing.</summary>
    ValueTask ReleaseAsync(Reservation reservation, CancellationToken cancellationToken);

    ValueTask<UsageSnapshot> GetUsageAsync(string accountId, string period, CancellationToken cancellationToken);
}
