using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace FapiHub.Domain.Accounts;

/// <summary>
/// The API key format: <c>fh_live_</c> followed by at least 32 base62 characters (≥ 190 bits of randomness when
/// generated here). Keys are only ever stored as SHA-256 digests; an account's id derives from the digest, so the
/// same key always maps to the same account (idempotent seeding) and the id reveals nothing usable.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "fh_live_";
    public const int MinimumRandomLength = 32;
    private const int GeneratedRandomLength = 40;
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly SearchValues<char> Base62Characters = SearchValues.Create(Base62);

    /// <summary>True when <paramref name="key"/> has the prefix and at least 32 base62 characters after it.</summary>
    public static bool IsWellFormed(string? key) =>
        key is not null && key.Length >= Prefix.Length + MinimumRandomLength && key.StartsWith(Prefix, StringComparison.Ordinal)
        && !key.AsSpan(Prefix.Length).ContainsAnyExcept(Base62Characters);

    /// <summary>A new random key from the OS's cryptographic generator.</summary>
    public static string Generate() => Prefix + RandomNumberGenerator.GetString(Base62, GeneratedRandomLength);

    /// <summary>Lower-case hex SHA-256 of the key: the only form in which keys are stored.</summary>
    public static string Digest(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The account id of the key with digest <paramref name="digest"/>.</summary>
    public static string IdFromDigest(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return "key_" + digest[..16];
    }
}
