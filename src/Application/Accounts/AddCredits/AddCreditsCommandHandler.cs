using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Mediator;

namespace FapiHub.Application.Accounts.AddCredits;

internal sealed class AddCreditsCommandHandler(IAccountStore accounts) : ICommandHandler<AddCreditsCommand, Result<ApiKeySummary>>
{
    public ValueTask<Result<ApiKeySummary>> Handle(AddCreditsCommand command, CancellationToken cancellationToken) =>
        StoreCalls.Run<ApiKeySummary>(async () =>
            await accounts.AddCreditsAsync(command.Id, command.Amount, cancellationToken) is { } account
                ? ApiKeySummary.From(account)
                : Errors.Accounts.NotFound(command.Id));
}
