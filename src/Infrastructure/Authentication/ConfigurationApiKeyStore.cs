using System.Security.Cryptography;
using System.Text;
using FapiHub.Application.Abstractions.Authentication;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Authentication;

/// <summary>
/// Keys from configuration, held only as SHA-256 digests. A presented key is hashed and looked up by digest:
/// lookup timing can at most reveal something about a digest, never about a key, and the final comparison of the
/// digests is constant-time.
/// </summary>
internal sealed class ConfigurationApiKeyStore : IApiKeyStore
{
    private readonly Dictionary<string, (byte[] Digest, ApiKeyIdentity Identity)> _byDigest = new(StringComparer.Ordinal);

    public ConfigurationApiKeyStore(IOptions<ApiKeyOptions> options)
    {
        foreach (var key in options.Value.Bootstrap.Where(k => !string.IsNullOrWhiteSpace(k.Key)))
        {
            var digest = Digest(key.Key.Trim());
            var hex = Convert.ToHexStringLower(digest);
            var keyId = $"key_{hex[..12]}";
            _byDigest[hex] = (digest, new ApiKeyIdentity(keyId, key.Name ?? keyId, key.Plan));
        }
    }

    public ValueTask<ApiKeyIdentity?> FindAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(presentedKey))
        {
            return ValueTask.FromResult<ApiKeyIdentity?>(null);
        }

        var digest = Digest(presentedKey.Trim());
        return ValueTask.FromResult(
            _byDigest.TryGetValue(Convert.ToHexStringLower(digest), out var stored) && CryptographicOperations.FixedTimeEquals(stored.Digest, digest)
                ? stored.Identity
                : null);
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
