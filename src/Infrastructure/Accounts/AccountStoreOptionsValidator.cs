using FapiHub.Application.Common.Startup;
using FapiHub.Infrastructure.BackgroundRemoval.Scheduling;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.Accounts;

/// <summary>Stops start-up on an account-store setting that cannot work, naming the key.</summary>
internal sealed class AccountStoreOptionsValidator(IOptions<InferenceOptions> inference) : IValidateOptions<AccountStoreOptions>
{
    private const int MostReservationSeconds = 7 * 24 * 3600;

    public ValidateOptionsResult Validate(string? name, AccountStoreOptions options)
    {
        var failures = new List<string>();

        // A hold that lapses while its request is still running stops counting against the balance, so concurrent
        // requests overspend it (at 0, a key with 2 credits got 5 images): it must outlive the longest request.
        // (An Inference section that is itself refused is reported on its own; its default stands in here.)
        var longestRequest = StartupChecks.Failures(() => _ = inference.Value).Count == 0 ? inference.Value.TimeoutSeconds : new InferenceOptions().TimeoutSeconds;
        if (options.ReservationTimeoutSeconds <= longestRequest || options.ReservationTimeoutSeconds > MostReservationSeconds)
        {
            failures.Add(
                $"Accounts:ReservationTimeoutSeconds must be between {longestRequest + 1} and {MostReservationSeconds} (was {options.ReservationTimeoutSeconds}): " +
                $"a reservation must outlive the longest request (Inference:TimeoutSeconds, {longestRequest}).");
        }

        if (options.RedisProbeIntervalMilliseconds is < 10 or > 60_000)
        {
            failures.Add($"Accounts:RedisProbeIntervalMilliseconds must be between 10 and 60000 (was {options.RedisProbeIntervalMilliseconds}).");
        }

        if (options.RedisReplicaAcks is < 0 or > 5)
        {
            failures.Add($"Accounts:RedisReplicaAcks must be between 0 and 5 (was {options.RedisReplicaAcks}).");
        }

        if (options.RedisReplicaAckTimeoutMilliseconds is < 1 or > 10_000)
        {
            failures.Add($"Accounts:RedisReplicaAckTimeoutMilliseconds must be between 1 and 10000 (was {options.RedisReplicaAckTimeoutMilliseconds}).");
        }

        if (options.RedisSettleSeconds is < 0 or > 300)
        {
            failures.Add($"Accounts:RedisSettleSeconds must be between 0 and 300 (was {options.RedisSettleSeconds}).");
        }

        if (string.IsNullOrEmpty(options.RedisKeyPrefix) || options.RedisKeyPrefix.Length > 100
            || options.RedisKeyPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '{' or '}'))
        {
            failures.Add($"Accounts:RedisKeyPrefix must be 1 to 100 characters without spaces, control characters or braces (was '{options.RedisKeyPrefix}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
