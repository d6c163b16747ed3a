using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Domain.Accounts;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Mediator;

namespace FapiHub.Application.Accounts.GetUsage;

internal sealed class GetUsageQueryHandler(IAccountStore accounts, IUsageLedger ledger, PlanCatalog plans, TimeProvider clock)
    : IQueryHandler<GetUsageQuery, Result<UsageReport>>
{
    public async ValueTask<Result<UsageReport>> Handle(GetUsageQuery query, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(query.AccountId, cancellationToken);
        if (account is null || account.Revoked)
        {
            return DomainErrors.Auth.InvalidApiKey;
        }

        var resolved = plans.ForKey(account.Plan);
        if (!resolved.IsSuccess)
        {
            return resolved.Error!;
        }

        var now = clock.GetUtcNow();
        var plan = resolved.Value;
        var usage = await ledger.GetUsageAsync(account.Id, BillingPeriod.Key(now), cancellationToken);
        return new UsageReport(
            plan.Name,
            plan.MonthlyQuota,
            usage.Used,
            plan.MonthlyQuota is { } quota ? usage.QuotaRemaining(quota) : null,
            BillingPeriod.NextReset(now),
            plan.PerMinute,
            usage.CreditsAvailable);
    }
}
