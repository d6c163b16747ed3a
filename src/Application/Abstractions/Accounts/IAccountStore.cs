using FapiHub.Domain.Accounts;

namespace FapiHub.Application.Abstractions.Accounts;

/// <summary>An account to create or seed; the key is known only by its SHA-256 digest.</summary>
public sealed record NewAccount(string KeyDigest, string Name, string Plan, long Credits);

/// <summary>The account after a credit correction, with the amount actually applied and the credits held at that moment.</summary>
public sealed record CreditAdjustment(Account Account, long Applied, long Held);

/// <summary>
/// Accounts and their keys. Implementations: Redis (shared by every instance) and an in-process store (one
/// instance). Both throw <see cref="StoreUnavailableException"/> when they cannot answer.
/// </summary>
public interface IAccountStore
{
    /// <summary>The account of the key with this digest, revoked or not; <c>null</c> when there is none.</summary>
    ValueTask<Account?> FindByDigestAsync(string keyDigest, CancellationToken cancellationToken);

    ValueTask<Account?> GetAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Every account, oldest first.</summary>
    ValueTask<IReadOnlyList<Account>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates the account; an account with the same digest is returned unchanged.</summary>
    ValueTask<Account> CreateAsync(NewAccount account, CancellationToken cancellationToken);

    /// <summary>
    /// Idempotent seeding: creates the account if missing; otherwise updates only its name and plan, never its
    /// credits, usage or revocation, so restarting with the same configuration changes nothing.
    /// </summary>
    ValueTask<Account> SeedAsync(NewAccount account, CancellationToken cancellationToken);

    /// <summary>
    /// Adds credits, or with a negative amount removes them, but never below the credits held by requests in flight
    /// (so the balance can never become negative when they are charged): a larger removal is clamped, and the
    /// result says what was applied. <c>null</c> when the account does not exist.
    /// </summary>
    ValueTask<CreditAdjustment?> AddCreditsAsync(string accountId, long amount, CancellationToken cancellationToken);

    ValueTask<Account?> ChangePlanAsync(string accountId, string plan, CancellationToken cancellationToken);

    /// <summary>Revokes the key for good; <c>false</c> when the account does not exist.</summary>
    ValueTask<bool> RevokeAsync(string accountId, CancellationToken cancellationToken);
}
