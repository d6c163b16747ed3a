using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.Accounts.GetUsage;

/// <summary>FapiHub's usage call for the caller's own key. Costs nothing.</summary>
public sealed record GetUsageQuery(string AccountId) : IQuery<Result<UsageReport>>;

/// <summary>
/// The usage of one key in the current UTC month. <paramref name="MonthlyQuota"/> and <paramref name="Remaining"/>
/// are <c>null</c> on pay-per-use plans, <paramref name="Credits"/> counts what is left to spend.
/// </summary>
public sealed record UsageReport(
    string Plan,
    long? MonthlyQuota,
    long Used,
    long? Remaining,
    DateTimeOffset ResetAt,
    int PerMinute,
    long Credits);
