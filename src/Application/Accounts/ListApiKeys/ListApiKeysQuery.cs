using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.Accounts.ListApiKeys;

/// <summary>Every key, without secrets (admin).</summary>
public sealed record ListApiKeysQuery : IQuery<Result<IReadOnlyList<ApiKeySummary>>>;
