using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Mediator;

namespace FapiHub.Application.Accounts.RevokeApiKey;

internal sealed class RevokeApiKeyCommandHandler(IAccountStore accounts) : ICommandHandler<RevokeApiKeyCommand, Result<ApiKeySummary>>
{
    public async ValueTask<Result<ApiKeySummary>> Handle(RevokeApiKeyCommand command, CancellationToken cancellationToken) =>
        await accounts.RevokeAsync(command.Id, cancellationToken) && await accounts.GetAsync(command.Id, cancellationToken) is { } account
            ? ApiKeySummary.From(account)
            : DomainErrors.Accounts.NotFound(command.Id);
}
