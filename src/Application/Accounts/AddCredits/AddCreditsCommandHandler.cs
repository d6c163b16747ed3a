using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Mediator;

namespace FapiHub.Application.Accounts.AddCredits;

internal sealed class AddCreditsCommandHandler(IAccountStore accounts) : ICommandHandler<AddCreditsCommand, Result<CreditAdjustmentSummary>>
{
    public async ValueTask<Result<CreditAdjustmentSummary>> Handle(AddCreditsCommand command, CancellationToken cancellationToken) =>
        await accounts.AddCreditsAsync(command.Id, command.Amount, cancellationToken) is { } adjustment
            ? CreditAdjustmentSummary.From(adjustment, command.Amount)
            : DomainErrors.Accounts.NotFound(command.Id);
}
