using System.Collections.Concurrent;
using FapiHub.Application.Abstractions.Accounts;

namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>A commit or release that could not reach Redis, kept until it can be applied.</summary>
internal sealed record PendingSettlement(Reservation Reservation, bool Commit, DateTimeOffset QueuedAt);

/// <summary>
/// Settlements waiting for Redis, in order. Filled by any request thread, drained by the one recovery loop
/// (<see cref="RedisRecoveryService"/>). Bounded by the requests in flight when Redis went away (no new reservation
/// can be made while it is away); the hard cap only guards against a bug.
/// </summary>
internal sealed class SettlementOutbox
{
    public const int Capacity = 1_000_000;

    private readonly ConcurrentQueue<PendingSettlement> _queue = new();

    public bool IsEmpty => _queue.IsEmpty;

    public int Count => _queue.Count;

    /// <summary>Queues a settlement; <c>false</c> when the outbox is full (the caller logs the loss).</summary>
    public bool TryAdd(PendingSettlement settlement)
    {
        if (_queue.Count >= Capacity)
        {
            return false;
        }

        _queue.Enqueue(settlement);
        return true;
    }

    /// <summary>The oldest settlement, left in place until <see cref="RemoveOldest"/> (single consumer).</summary>
    public bool TryPeek(out PendingSettlement settlement) => _queue.TryPeek(out settlement!);

    public void RemoveOldest() => _queue.TryDequeue(out _);
}
