using System.Globalization;
using Microsoft.Extensions.Options;

namespace FapiHub.Application.Accounts.Plans;

/// <summary>
/// Stops start-up on a window the token bucket cannot use: it divides by the window, so 0 turned the per-minute limit
/// off and a negative one gave negative X-RateLimit headers.
/// </summary>
internal sealed class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>
{
    internal const double LeastSeconds = 1;
    internal const double MostSeconds = 3600;

    public ValidateOptionsResult Validate(string? name, RateLimitingOptions options) =>
        options.WindowSeconds is >= LeastSeconds and <= MostSeconds
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"RateLimiting:WindowSeconds must be between {LeastSeconds} and {MostSeconds} (was {options.WindowSeconds}): the per-minute limits refill over this window."));
}
