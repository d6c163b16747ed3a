using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.Accounts.CreateApiKey;

/// <summary>Issue a new API key (admin).</summary>
public sealed record CreateApiKeyCommand(string? Name, string? Plan, long Credits) : ICommand<Result<CreatedApiKey>>;

/// <summary>The new key: <paramref name="Key"/> is shown this once and stored only as a digest.</summary>
public sealed record CreatedApiKey(string Id, string Key, string Name, string Plan, long Credits);
