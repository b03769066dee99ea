using Celeriac.Redis.Client;

namespace Celeriac.Redis.Transport;

/// <summary>
/// The revoke store's scripts. Both take the time from the server (<c>TIME</c>), never from the
/// caller: every client and worker then agrees on when a revoke was made and on what a read has
/// already seen, however skewed their own clocks are. Scripts run one at a time, so an entry added
/// after a read carries a later score than that read's time.
/// </summary>
internal static class RevokeScripts
{
    /// <summary>KEYS: the set. ARGV: horizon seconds, max entries, ids…. Adds the ids at the server's now, trims, returns now.</summary>
    public static readonly RedisScript Remember = new("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
        local horizon = tonumber(ARGV[1])
        for i = 3, #ARGV do redis.call('ZADD', KEYS[1], now, ARGV[i]) end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.6f', now - horizon))
        local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[2])
        if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1) end
        -- The whole set goes when nothing was revoked for a horizon.
        redis.call('EXPIRE', KEYS[1], math.ceil(horizon) + 1)
        return string.format('%.6f', now)
        """);

    /// <summary>
    /// KEYS: the set. ARGV: cursor (server seconds, or empty for all), horizon seconds. Returns
    /// <c>[now, [id, score, …]]</c>: the live entries scored after the cursor.
    /// </summary>
    public static readonly RedisScript Read = new("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
        local from = now - tonumber(ARGV[2])
        if ARGV[1] ~= '' and tonumber(ARGV[1]) > from then from = tonumber(ARGV[1]) end
        local found = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. string.format('%.6f', from), '+inf', 'WITHSCORES')
        return {string.format('%.6f', now), found}
        """);
}
