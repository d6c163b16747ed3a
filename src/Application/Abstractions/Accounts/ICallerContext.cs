namespace FapiHub.Application.Abstractions.Accounts;

/// <summary>What a successful chargeable command cost and what is left, for the response headers.</summary>
public sealed record ChargeReceipt(int Charged, long? QuotaRemaining, long? CreditsRemaining);

/// <summary>
/// The authenticated caller of the current request (implemented by the HTTP edge). Chargeable commands are billed
/// to <see cref="AccountId"/>; the receipt flows back to the edge through <see cref="RecordCharge"/>.
/// </summary>
public interface ICallerContext
{
    /// <summary>The caller's account id; <c>null</c> when the request is not authenticated.</summary>
    string? AccountId { get; }

    /// <summary>The caller's plan, as loaded when the key was authenticated for this request.</summary>
    string? Plan { get; }

    void RecordCharge(ChargeReceipt receipt);
}
