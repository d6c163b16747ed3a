using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.Accounts.RevokeApiKey;

/// <summary>Revoke a key for good (admin): its next request is a 401.</summary>
public sealed record RevokeApiKeyCommand(string Id) : ICommand<Result<ApiKeySummary>>;
