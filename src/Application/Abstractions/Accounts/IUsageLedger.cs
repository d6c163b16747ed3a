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
public sealed record UsageSnapshot(long Used, long Pending, long Credits);

/// <summary>
/// Quota and credit accounting with two-phase charging: <see cref="ReserveAsync"/> atomically checks and holds one
/// unit, <see cref="CommitAsync"/> turns the hold into a charge, <see cref="ReleaseAsync"/> drops it. A hold that is
/// neither committed nor released (a crashed instance) lapses after a timeout and is never charged.
/// </summary>
public interface IUsageLedger
{
    /// <summary>
    /// Holds one unit: for a quota plan (<paramref name="monthlyQuota"/> set) when used + held &lt; quota; for a
    /// pay-per-use plan (<c>null</c>) when credits − held ≥ 1.
    /// </summary>
    ValueTask<ReservationOutcome> ReserveAsync(string accountId, string period, long? monthlyQuota, CancellationToken cancellationToken);

    /// <summary>Charges a held unit: usage + 1, and credits − 1 on pay-per-use. <c>null</c> if the hold had lapsed (then nothing is charged).</summary>
    ValueTask<UsageSnapshot?> CommitAsync(Reservation reservation, CancellationToken cancellationToken);

    /// <summary>Drops a hold without charging. Releasing twice, or after a commit, does nothing.</summary>
    ValueTask ReleaseAsync(Reservation reservation, CancellationToken cancellationToken);

    ValueTask<UsageSnapshot> GetUsageAsync(string accountId, string period, CancellationToken cancellationToken);
}
