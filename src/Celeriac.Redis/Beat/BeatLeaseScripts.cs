using Celeriac.Redis.Client;

namespace Celeriac.Redis.Beat;

/// <summary>
/// The beat lease on Redis: one string key holding <c>holder|term</c> with a PX expiry, so it ends
/// by the server's clock and the clocks of the replicas never matter. The term comes from an INCR
/// counter, so every new holding is fenced above every earlier one; a term is never below the
/// server's time in milliseconds, so that stays true when the counter itself is lost (a restart
/// without persistence, a failover to a replica that lagged, FLUSHDB).
/// </summary>
internal static class BeatLeaseScripts
{
    /// <summary>
    /// KEYS: lease, term. ARGV: holder, duration (ms). The holder's own lease is extended and its term
    /// returned; a free lease is taken with a new term; another holder's answers nil. A value is the
    /// holder's only when it is exactly <c>holder|digits</c>, so a holder named like another's
    /// <c>holder|term</c> never matches it.
    /// </summary>
    public static readonly RedisScript Acquire = new(BeatCounterLua.NextCounter + """
        local current = redis.call('GET', KEYS[1])
        local mine = ARGV[1] .. '|'
        if current then
          if string.sub(current, 1, #mine) == mine then
            local term = string.sub(current, #mine + 1)
            if string.match(term, '^%d+$') then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return tonumber(term)
            end
          end
          return false
        end
        local term = next_counter(KEYS[2])
        redis.call('SET', KEYS[1], mine .. term, 'PX', ARGV[2])
        return term
        """);

    /// <summary>KEYS: lease. ARGV: <c>holder|term</c>. Deletes the lease only while it holds that value; returns 1 when it did.</summary>
    public static readonly RedisScript Release = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        return 0
        """);
}
