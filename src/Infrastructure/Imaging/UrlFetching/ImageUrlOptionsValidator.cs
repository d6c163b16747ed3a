using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Imaging.UrlFetching;

/// <summary>Stops start-up on an image URL setting that cannot work, naming the key.</summary>
internal sealed class ImageUrlOptionsValidator : IValidateOptions<ImageUrlOptions>
{
    internal const int MostTimeoutSeconds = 300;
    internal const int MostRedirects = 10;

    public ValidateOptionsResult Validate(string? name, ImageUrlOptions options)
    {
        var failures = new List<string>();
        if (options.TimeoutSeconds is < 1 or > MostTimeoutSeconds)
        {
            failures.Add($"ImageUrl:TimeoutSeconds must be between 1 and {MostTimeoutSeconds} (was {options.TimeoutSeconds}): a client's request waits this long for the download.");
        }

        if (options.MaxRedirects is < 0 or > MostRedirects)
        {
            failures.Add($"ImageUrl:MaxRedirects must be between 0 and {MostRedirects} (was {options.MaxRedirects}).");
        }

        for (var i = 0; i < options.AllowedHosts.Count; i++)
        {
            if (HostAllowList.Problem(options.AllowedHosts[i]) is { } problem)
            {
                failures.Add($"ImageUrl:AllowedHosts:{i} must be a host name, '*.' and a domain, or an IP address ({problem}; was '{options.AllowedHosts[i]}').");
            }
        }

        if (options.RestrictToAllowedHosts && options.AllowedHosts.Count == 0)
        {
            failures.Add("ImageUrl:RestrictToAllowedHosts is true but ImageUrl:AllowedHosts is empty: every URL would be refused; set ImageUrl:Enabled to false for that.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
