using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.Accounts.AddCredits;

/// <summary>
/// Top up (or, with a negative amount, correct) a key's credits (admin). A removal never takes the balance below the
/// credits held by the key's requests in flight: it is clamped there, and the answer says what was applied.
/// </summary>
public sealed record AddCreditsCommand(string Id, long Amount) : ICommand<Result<CreditAdjustmentSummary>>;

/// <summary>The key after a credit correction: <see cref="Applied"/> is less than <see cref="Requested"/> when a removal was clamped.</summary>
/// <param name="Held">Credits held by requests in flight when the correction was applied.</param>
public sealed record CreditAdjustmentSummary(
    string Id,
    string Name,
    string Plan,
    long Credits,
    bool Revoked,
    DateTimeOffset CreatedAt,
    long Requested,
    long Applied,
    long Held)
{
    public static CreditAdjustmentSummary From(CreditAdjustment adjustment, long requested)
    {
        ArgumentNullException.ThrowIfNull(adjustment);
        var account = adjustment.Account;
        return new(account.Id, account.Name, account.Plan, account.Credits, account.Revoked, account.CreatedAt, requested, adjustment.Applied, adjustment.Held);
    }
}
