namespace FapiHub.Infrastructure.Accounts.Redis;

/// <summary>
/// The Lua scripts behind the Redis store. Each runs atomically on the server, so concurrent requests from any
/// number of instances cannot both pass a check that only one may pass. Every key a script touches carries the
/// account's hash tag (<c>{key_…}</c>), so the scripts also run on Redis Cluster. Times come from Redis
/// <c>TIME</c>, never from the calling instance's clock. docs/redis.md describes the layout and guarantees.
/// </summary>
internal static class RedisScripts
{
    /// <summary>Current server time in milliseconds (scripts replicate effects, so TIME is allowed before writes).</summary>
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """;

    /// <summary>
    /// Token bucket. KEYS[1] bucket hash {tokens, ts}; ARGV[1] limit, ARGV[2] window in ms.
    /// Returns {allowed (0/1), remaining whole tokens, retry-after s, reset s}. Mirrors TokenBucket.Take.
    /// </summary>
    public const string TakeToken = Now + """

        local limit = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local rate = limit / window
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
        local tokens = limit
        if state[1] then
          local elapsed = math.max(0, now - tonumber(state[2]))
          tokens = math.min(limit, tonumber(state[1]) + elapsed * rate)
        end
        local allowed = 0
        if tokens >= 1 then
          tokens = tokens - 1
          allowed = 1
        end
        local retry = 0
        if allowed == 0 then
          retry = math.max(1, math.ceil((1 - tokens) / rate / 1000))
        end
        local reset = math.ceil((limit - tokens) / rate / 1000)
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
        redis.call('PEXPIRE', KEYS[1], math.ceil(window * 2))
        return {allowed, math.floor(tokens), retry, reset}
        """;

    /// <summary>
    /// Holds (zset: id → lapse ms) stay after they lapse, not counting against the balance, for a retention period
    /// (ARGV[4] ms): a charge queued during a long outage must still find its hold to be applied exactly once.
    /// Defines <c>pending</c>: the live holds.
    /// </summary>
    private const string Holds = """

        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[4]))
        local pending = redis.call('ZCOUNT', KEYS[3], '(' .. now, '+inf')
        """;

    /// <summary>
    /// Reserve one unit. KEYS[1] account hash, KEYS[2] usage counter of the period, KEYS[3] holds;
    /// ARGV[1] monthly quota (-1: pay-per-use), ARGV[2] hold id, ARGV[3] hold timeout ms, ARGV[4] lapsed-hold retention
    /// ms, ARGV[5] a fresh incarnation for an account that has none yet.
    /// Returns {1, 0, hold} reserved, {0, 1} account missing or revoked, {0, 2} quota used up, {0, 3} no credits.
    /// The hold is named <c>incarnation:id</c>: the account's incarnation is random, set on its first reservation, and
    /// lost only with the account hash itself, so a commit can tell "already settled" from "the store lost my hold".
    /// </summary>
    public const string Reserve = Now + """

        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HGET', KEYS[1], 'revoked') == '1' then
          return {0, 1}
        end
        """ + Holds + """

        local quota = tonumber(ARGV[1])
        if quota >= 0 then
          local used = tonumber(redis.call('GET', KEYS[2]) or '0')
          if used + pending >= quota then
            return {0, 2}
          end
        else
          local credits = tonumber(redis.call('HGET', KEYS[1], 'credits') or '0')
          if credits - pending < 1 then
            return {0, 3}
          end
        end
        local incarnation = redis.call('HGET', KEYS[1], 'incarnation')
        if not incarnation then
          incarnation = ARGV[5]
          redis.call('HSET', KEYS[1], 'incarnation', incarnation)
        end
        local hold = incarnation .. ':' .. ARGV[2]
        redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), hold)
        redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[3]) + tonumber(ARGV[4]))
        return {1, 0, hold}
        """;

    /// <summary>
    /// Release a hold known only by the part its reserving instance chose (the reply of Reserve was lost): KEYS as Reserve,
    /// ARGV[1] that part. The account's incarnation completes the name, as Reserve made it. Returns 1 if a hold went.
    /// </summary>
    public const string ReleaseUnconfirmed = """
        local incarnation = redis.call('HGET', KEYS[1], 'incarnation')
        if not incarnation then
          return 0
        end
        return redis.call('ZREM', KEYS[3], incarnation .. ':' .. ARGV[1])
        """;

    /// <summary>
    /// Commit a hold. KEYS as Reserve plus KEYS[4] the orphan record; ARGV[1] quota (-1: pay-per-use), ARGV[2] hold,
    /// ARGV[3] usage-key lifetime s, ARGV[4] lapsed-hold retention ms. Charges if the hold is still there, lapsed or
    /// not, and removes it, so a replayed commit is applied at most once. A lapsed hold's credit was free for others
    /// meanwhile, so credits are taken only while some are left (live holds guarantee it for them).
    /// A hold that is gone although the account's incarnation differs from the hold's (the store lost the account with
    /// its holds: restarted empty, flushed, replaced; possibly seeded again since) is an orphan: the image was delivered,
    /// so it is charged all the same, once (the orphan record, kept for the retention, makes replays harmless). Without
    /// an account there is no balance to take a credit from; the usage counter still records the image.
    /// Returns {charged (0/1), used, pending, credits, orphan (0/1)}.
    /// </summary>
    public const string Commit = Now + Holds + """

        local charged = redis.call('ZREM', KEYS[3], ARGV[2])
        local orphan = 0
        if charged == 0 then
          local incarnation = string.match(ARGV[2], '^(%x+):')
          if incarnation and redis.call('HGET', KEYS[1], 'incarnation') ~= incarnation then
            redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[4]))
            if redis.call('ZADD', KEYS[4], 'NX', now, ARGV[2]) == 1 then
              redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[4]))
              charged = 1
              orphan = 1
            end
          end
        end
        local used = tonumber(redis.call('GET', KEYS[2]) or '0')
        local credits = tonumber(redis.call('HGET', KEYS[1], 'credits') or '0')
        if charged == 1 then
          used = redis.call('INCR', KEYS[2])
          redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
          if tonumber(ARGV[1]) < 0 and credits > 0 then
            credits = redis.call('HINCRBY', KEYS[1], 'credits', -1)
          end
        end
        return {charged, used, redis.call('ZCOUNT', KEYS[3], '(' .. now, '+inf'), credits, orphan}
        """;

    /// <summary>
    /// Usage snapshot. KEYS as Reserve; ARGV[4] lapsed-hold retention ms (ARGV[1..3] unused). Returns {used, pending, credits}.
    /// </summary>
    public const string Usage = Now + Holds + """

        local used = tonumber(redis.call('GET', KEYS[2]) or '0')
        local credits = tonumber(redis.call('HGET', KEYS[1], 'credits') or '0')
        return {used, pending, credits}
        """;

    /// <summary>
    /// Admin credit correction. KEYS[1] account hash, KEYS[3] holds (KEYS[2] unused, for the shared key list);
    /// ARGV[1] amount, ARGV[4] lapsed-hold retention ms. A removal is clamped so credits never drop below the live
    /// holds (mirrors CreditRules.Applicable). Returns {} when there is no such account, else {applied, held, hash…}.
    /// </summary>
    public const string AdjustCredits = Now + """

        if redis.call('EXISTS', KEYS[1]) == 0 then
          return {}
        end
        """ + Holds + """

        local credits = tonumber(redis.call('HGET', KEYS[1], 'credits') or '0')
        local applied = tonumber(ARGV[1])
        if applied < 0 then
          applied = math.max(applied, -math.max(0, credits - pending))
        end
        if applied ~= 0 then
          redis.call('HINCRBY', KEYS[1], 'credits', applied)
        end
        local result = {applied, pending}
        for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do
          result[#result + 1] = v
        end
        return result
        """;

    /// <summary>
    /// Create or seed an account. KEYS[1] account hash; ARGV: name, plan, credits, created ms, digest, update (0/1).
    /// A new account gets every field; an existing one only name and plan when seeding (never credits or revocation).
    /// Returns the hash as a flat list.
    /// </summary>
    public const string Upsert = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('HSET', KEYS[1], 'name', ARGV[1], 'plan', ARGV[2], 'credits', ARGV[3], 'created', ARGV[4], 'digest', ARGV[5], 'revoked', '0')
        elseif ARGV[6] == '1' then
          redis.call('HSET', KEYS[1], 'name', ARGV[1], 'plan', ARGV[2])
        end
        return redis.call('HGETALL', KEYS[1])
        """;

    /// <summary>
    /// Set one field of an existing account. KEYS[1] account hash; ARGV[1] field, ARGV[2] value. Returns the hash as a
    /// flat list, or an empty list when there is no such account.
    /// </summary>
    public const string Update = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return {}
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return redis.call('HGETALL', KEYS[1])
        """;
}
