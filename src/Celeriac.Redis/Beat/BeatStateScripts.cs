using Celeriac.Redis.Client;

namespace Celeriac.Redis.Beat;

/// <summary>The scripts that record beat state without publishing, and the run-time edits.</summary>
internal static class BeatStateScripts
{
    /// <summary>Returned when the lease is lost.</summary>
    public const long LeaseLost = -1;

    /// <summary>
    /// KEYS: lease, slots, state. ARGV[1]: <c>holder|term</c>; then 3 per entry: entry, slot (Unix µs),
    /// state JSON. Records each state only where no slot is recorded or the given one is later, and
    /// only while the lease is held; returns how many were written, or -1 when the lease is lost.
    /// </summary>
    public static readonly RedisScript WriteStates = new("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
        local written = 0
        for i = 2, #ARGV, 3 do
          local last = redis.call('HGET', KEYS[2], ARGV[i])
          if not last or tonumber(last) < tonumber(ARGV[i + 1]) then
            redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
            redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 2])
            written = written + 1
          end
        end
        return written
        """);

    /// <summary>KEYS: slots, state. Returns <c>{{entry, slot, …}, {entry, state JSON, …}}</c> read together.</summary>
    public static readonly RedisScript ReadStates = new("""
        return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
        """);

    /// <summary>
    /// KEYS: edits, edits version. ARGV: entry, definition JSON ('' marks a removed entry: a removal
    /// must outlive the entry's definition in code or configuration, so it is kept, not HDELed).
    /// Returns the new version: one more than the last, and never below the server's time in
    /// milliseconds, so a version lost with the data (a restart without persistence) does not
    /// count up again through values a running beat has already seen.
    /// </summary>
    public static readonly RedisScript WriteEdit = new(BeatCounterLua.NextCounter + """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return next_counter(KEYS[2])
        """);

    /// <summary>KEYS: edits, edits version. Returns <c>{version, {entry, definition, …}}</c> read together, so the version matches the edits.</summary>
    public static readonly RedisScript ReadEdits = new("""
        return {redis.call('GET', KEYS[2]) or '0', redis.call('HGETALL', KEYS[1])}
        """);
}
