namespace Celeriac.Redis.Beat;

/// <summary>
/// The Lua both beat counters use (the lease's fencing term, the edits' version): one more than the
/// last value, and never below the server's time in milliseconds, so a counter lost with the data (a
/// restart without persistence, a failover to a replica that lagged, FLUSHDB) does not count up again
/// through values a running beat has already seen.
/// </summary>
internal static class BeatCounterLua
{
    /// <summary>Defines <c>next_counter(key)</c>; prepended to the scripts that call it.</summary>
    public const string NextCounter = """
        local function next_counter(key)
          local value = redis.call('INCR', key)
          local t = redis.call('TIME')
          local floor = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          if value < floor then
            value = floor
            redis.call('SET', key, value)
          end
          return value
        end

        """;
}
