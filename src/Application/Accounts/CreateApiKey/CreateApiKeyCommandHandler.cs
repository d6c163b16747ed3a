using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Domain.Accounts;
using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.Accounts.CreateApiKey;

internal sealed class CreateApiKeyCommandHandler(IAccountStore accounts, PlanCatalog plans)
    : ICommandHandler<CreateApiKeyCommand, Result<CreatedApiKey>>
{
    public async ValueTask<Result<CreatedApiKey>> Handle(CreateApiKeyCommand command, CancellationToken cancellationToken)
    {
        var key = ApiKeys.Generate();
        var plan = plans.Get(command.Plan!).Name;
        var account = await accounts.CreateAsync(new NewAccount(ApiKeys.Digest(key), command.Name!.Trim(), plan, command.Credits), cancellationToken);
        return new CreatedApiKey(account.Id, key, account.Name, account.Plan, account.Credits);
    }
}
