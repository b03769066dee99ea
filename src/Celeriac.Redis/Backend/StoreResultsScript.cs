using Celeriac.Redis.Client;

namespace Celeriac.Redis.Backend;

/// <summary>
/// The Lua script that stores result metas as Celery's Redis backend does (docs/protocol.md §4.2), a whole
/// batch per call: for each key, <c>GET</c> it and skip the write when the stored status is
/// <c>SUCCESS</c> (the 5.x guard against a redelivered duplicate); otherwise <c>SETEX</c> (or
/// <c>SET</c> without expiry) and <c>PUBLISH</c> the same bytes on the channel named like the key,
/// which is what wakes waiting clients (docs/protocol.md §4.3). A script runs atomically, so the guard and the
/// write cannot interleave with another worker's, and metas of one batch apply in order.
/// </summary>
internal static class StoreResultsScript
{
    // KEYS[i]: result key; ARGV[1]: TTL in seconds, 0 for none; ARGV[i + 1]: the meta for KEYS[i].
    // The plain finds skip decoding metas that cannot be a SUCCESS (STARTED, RETRY…: no "SUCCESS"
    // and no \u escape that could spell it); cjson under pcall then decides, so a value that is
    // not JSON is simply overwritten, as Python would.
    private const string Source = """
        local ttl = tonumber(ARGV[1])
        local written = 0
        for i, key in ipairs(KEYS) do
          local value = ARGV[i + 1]
          local stored = redis.call('GET', key)
          local final = false
          if stored and (string.find(stored, 'SUCCESS', 1, true) or string.find(stored, '\\u', 1, true)) then
            local ok, meta = pcall(cjson.decode, stored)
            final = ok and type(meta) == 'table' and meta['status'] == 'SUCCESS'
          end
          if not final then
            if ttl > 0 then
              redis.call('SETEX', key, ttl, value)
            else
              redis.call('SET', key, value)
            end
            redis.call('PUBLISH', key, value)
            written = written + 1
          end
        end
        return written
        """;

    /// <summary>The script, run by hash.</summary>
    public static RedisScript Script { get; } = new(Source);
}
