using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.Accounts.ListApiKeys;

internal sealed class ListApiKeysQueryHandler(IAccountStore accounts)
    : IQueryHandler<ListApiKeysQuery, Result<IReadOnlyList<ApiKeySummary>>>
{
    public async ValueTask<Result<IReadOnlyList<ApiKeySummary>>> Handle(ListApiKeysQuery query, CancellationToken cancellationToken) =>
        Result<IReadOnlyList<ApiKeySummary>>.Success([.. (await accounts.ListAsync(cancellationToken)).Select(ApiKeySummary.From)]);
}
