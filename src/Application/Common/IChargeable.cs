namespace FapiHub.Application.Common;

/// <summary>What a successful chargeable command cost and what is left (unknown while a commit waits for the store).</summary>
public sealed record ChargeReceipt(int Charged, long? QuotaRemaining, long? CreditsRemaining);

/// <summary>
/// Marks a command whose success costs the caller one image of quota or one credit. The credit check hands the
/// receipt back in the successful response (<see cref="WithReceipt"/>), so the edge can report it, or discards a
/// success whose client has gone (<see cref="Discard"/>), which is not charged.
/// </summary>
public interface IChargeable<TResponse>
{
    static abstract TResponse WithReceipt(TResponse success, ChargeReceipt receipt);

    /// <summary>
    /// Frees what a success holds when it will never be delivered (the client went away before it could be), so the
    /// credit check can drop it without knowing what it is.
    /// </summary>
    static abstract void Discard(TResponse success);
}
