namespace FapiHub.Domain.Accounts;

/// <summary>An API key's account. Holds no secret: the key itself is known only by its SHA-256 digest.</summary>
/// <param name="Id">Stable public id (<c>key_</c> + 16 hex characters of the key's digest), safe to log and show.</param>
public sealed record Account(string Id, string Name, string Plan, long Credits, bool Revoked, DateTimeOffset CreatedAt);
