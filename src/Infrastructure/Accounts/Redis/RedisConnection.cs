using FapiHub.Application.Abstractions.Accounts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>
/// The one multiplexer of the process and the key layout. Connects lazily and never aborts on a failed connect, so
/// an instance starts while Redis is down and heals by itself when it returns. A Redis that is down refuses
/// connections and fails at once (503); the operation timeout only bounds a Redis that hangs, and stays at the
/// client's 5 s default because a busy 2-core box running inference can delay replies by more than a second or two.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _multiplexer;
    private readonly string _prefix;

    public RedisConnection(string connectionString, IOptions<AccountStoreOptions> options)
    {
        _prefix = options.Value.RedisKeyPrefix;
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2000);
        configuration.ClientName ??= "fapihub";
        _multiplexer = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(configuration));
    }

    public IDatabase Database => _multiplexer.Value.GetDatabase();

    public RedisKey DigestKey(string digest) => $"{_prefix}:digest:{digest}";

    public RedisKey AccountsKey => $"{_prefix}:accounts";

    // The braces are Redis Cluster hash tags: every per-account key hashes to the account's slot.
    public RedisKey AccountKey(string id) => $"{_prefix}:{{{id}}}:account";

    public RedisKey UsageKey(string id, string period) => $"{_prefix}:{{{id}}}:usage:{period}";

    public RedisKey HoldsKey(string id) => $"{_prefix}:{{{id}}}:holds";

    public RedisKey BucketKey(string id) => $"{_prefix}:{{{id}}}:bucket";

    /// <summary>Runs a Redis call, turning every Redis failure into <see cref="StoreUnavailableException"/>.</summary>
    public async Task<T> Run<T>(Func<IDatabase, Task<T>> call)
    {
        try
        {
            return await call(Database);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new StoreUnavailableException("Redis is unavailable: " + ex.Message, ex);
        }
    }

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }
}
