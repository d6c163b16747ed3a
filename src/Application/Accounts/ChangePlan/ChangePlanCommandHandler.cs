using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Mediator;

namespace FapiHub.Application.Accounts.ChangePlan;

internal sealed class ChangePlanCommandHandler(IAccountStore accounts, PlanCatalog plans) : ICommandHandler<ChangePlanCommand, Result<ApiKeySummary>>
{
    public async ValueTask<Result<ApiKeySummary>> Handle(ChangePlanCommand command, CancellationToken cancellationToken) =>
        await accounts.ChangePlanAsync(command.Id, plans.Get(command.Plan!).Name, cancellationToken) is { } account
            ? ApiKeySummary.From(account)
            : DomainErrors.Accounts.NotFound(command.Id);
}
