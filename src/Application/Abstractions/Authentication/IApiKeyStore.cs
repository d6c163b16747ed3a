namespace FapiHub.Application.Abstractions.Authentication;

/// <summary>Who an API key belongs to. Carries no secret: <see cref="KeyId"/> is a short, non-reversible fingerprint safe to log.</summary>
public sealed record ApiKeyIdentity(string KeyId, string Name, string Plan);

/// <summary>Looks up presented API keys.</summary>
public interface IApiKeyStore
{
    /// <summary>The identity behind <paramref name="presentedKey"/>, or <c>null</c> when it is unknown or revoked.</summary>
    ValueTask<ApiKeyIdentity?> FindAsync(string presentedKey, CancellationToken cancellationToken);
}
