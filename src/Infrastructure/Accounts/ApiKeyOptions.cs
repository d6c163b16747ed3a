namespace FapiHub.Infrastructure.Accounts;

/// <summary>API keys known at start-up (section <c>ApiKeys</c>).</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    /// <summary>Keys seeded from configuration (<c>ApiKeys:Bootstrap:N:{Key,Plan,Credits,Name}</c>).</summary>
    public List<BootstrapApiKey> Bootstrap { get; set; } = [];
}

public sealed class BootstrapApiKey
{
    /// <summary>The secret itself; the stores keep only its SHA-256 digest.</summary>
    public string Key { get; set; } = string.Empty;

    public string Plan { get; set; } = "basic";

    /// <summary>Pay-per-use credits given when the account is first created (re-seeding never resets them).</summary>
    public long Credits { get; set; }

    public string? Name { get; set; }
}

/// <summary>Account-store settings (section <c>Accounts</c>).</summary>
public sealed class AccountStoreOptions
{
    public const string SectionName = "Accounts";

    /// <summary>
    /// A lapsed hold is kept this long (not counting against the balance) so that a charge queued during a long
    /// store outage still finds it and is applied exactly once; a settlement older than this is given up.
    /// </summary>
    public static readonly TimeSpan LapsedHoldRetention = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a reservation holds a unit of quota or credit before it stops counting against the balance. Longer
    /// than any request can take; it only matters when an instance dies between reserving and settling.
    /// </summary>
    public int ReservationTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// While Redis is unreachable, how often a background probe checks whether it is back (calls meanwhile answer
    /// 503 at once instead of waiting for a timeout each).
    /// </summary>
    public int RedisProbeIntervalMilliseconds { get; set; } = 500;

    /// <summary>
    /// Replicas that must acknowledge a reservation and a charge (Redis <c>WAIT</c>) before the request goes on: 0 (the
    /// default, for a standalone Redis) or 1 on a Redis Cluster or a primary with replicas, so an asynchronous failover
    /// cannot lose a charge the primary had acknowledged. A charge not acknowledged in time is queued to be applied again
    /// (harmless: a commit is applied at most once).
    /// </summary>
    public int RedisReplicaAcks { get; set; }

    /// <summary>How long a write waits for <see cref="RedisReplicaAcks"/> replicas before the request goes on.</summary>
    public int RedisReplicaAckTimeoutMilliseconds { get; set; } = 100;

    /// <summary>
    /// For this long after the client lost a connection, got one back or saw a hash slot move (a failover, a restart),
    /// an API key or account that Redis reports missing answers 503 instead of 401: after a failover the promoted replica
    /// can lack a key that was valid moments before (asynchronous replication), and a 401 tells its client to drop it
    /// where a 503 tells it to retry. Revoked keys are still refused at once.
    /// </summary>
    public int RedisSettleSeconds { get; set; } = 10;

    /// <summary>Prefix of every Redis key, so several deployments can share one Redis.</summary>
    public string RedisKeyPrefix { get; set; } = "fapihub";

    public TimeSpan ReservationTimeout => TimeSpan.FromSeconds(ReservationTimeoutSeconds);
}
