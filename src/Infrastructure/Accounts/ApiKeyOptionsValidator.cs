using FapiHub.Application.Accounts.Plans;
using FapiHub.Domain.Accounts;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Accounts;

/// <summary>Stops start-up on a bootstrap key that cannot be seeded, naming its index and field.</summary>
internal sealed class ApiKeyOptionsValidator(PlanCatalog plans) : IValidateOptions<ApiKeyOptions>
{
    /// <summary>As the admin API's rule for a key's name.</summary>
    private const int MostNameLength = 100;

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Bootstrap.Count; i++)
        {
            var entry = options.Bootstrap[i];
            var prefix = $"ApiKeys:Bootstrap:{i}";
            if (!ApiKeys.IsWellFormed(entry.Key))
            {
                // The key itself is a secret: never echoed.
                failures.Add($"{prefix}:Key must be '{ApiKeys.Prefix}' followed by at least {ApiKeys.MinimumRandomLength} letters or digits.");
            }

            if (!plans.TryGet(entry.Plan, out _))
            {
                failures.Add($"{prefix}:Plan must be a configured plan: {string.Join(", ", plans.Names)} (was '{entry.Plan}').");
            }

            if (entry.Credits < 0)
            {
                failures.Add($"{prefix}:Credits must not be negative (was {entry.Credits}).");
            }

            if (entry.Name is { } keyName && (keyName.Trim().Length is 0 or > MostNameLength || keyName.Any(char.IsControl)))
            {
                failures.Add($"{prefix}:Name must be 1 to {MostNameLength} characters without control characters (was {keyName.Length} characters).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
