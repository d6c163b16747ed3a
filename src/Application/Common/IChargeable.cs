namespace FapiHub.Application.Common;

/// <summary>What a successful chargeable command cost and what is left (unknown while a commit waits for the store).</summary>
public sealed record ChargeReceipt(int Charged, long? QuotaRemaining, long? CreditsRemaining);

/// <summary>
/// Marks a command whose success costs the caller one image of quota or one credit. The credit check hands the
/// receipt back in the successful response (<see cref="WithReceipt"/>), so the edge can report it.
/// </summary>
public interface IChargeable<TResponse>
{
    static abstract TResponse WithReceipt(TResponse success, ChargeReceipt receipt);
}
