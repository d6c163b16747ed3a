using Microsoft.Extensions.Options;

namespace FapiHub.Api.Authentication;

/// <summary>
/// Stops start-up on an admin key that is trivially guessed: the admin API moves credits and plans, and a
/// one-character key was accepted. Unset is fine (the admin API is then off).
/// </summary>
internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    /// <summary>Enough for a random key to resist guessing; the Development key (27 characters) passes.</summary>
    internal const int LeastLength = 16;

    internal const int MostLength = 1024;

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            return ValidateOptionsResult.Success;
        }

        // The key is a secret: its length is reported, never the key.
        var key = options.ApiKey.Trim();
        return key.Length is >= LeastLength and <= MostLength && !key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Admin:ApiKey must be {LeastLength} to {MostLength} characters without spaces or control characters (was {key.Length} characters), " +
                "or empty to turn the admin API off. Generate one with: openssl rand -hex 32");
    }
}
