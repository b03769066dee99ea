using Celeriac.Redis.Client;

namespace Celeriac.Redis.Beat;

/// <summary>
/// Publishes a batch of beat runs in one atomic step (docs/architecture.md "Beat"): the lease is
/// checked first, and when it no longer holds the caller's <c>holder|term</c> nothing is written —
/// so a publisher paused past its lease pushes none of what it prepared before the pause. Each run
/// whose slot is later than its entry's recorded one has its envelope LPUSHed onto its lists (or
/// PUBLISHed on its fanout channel) and then its slot and state recorded; a run not later is a
/// duplicate and writes nothing. Runs apply in order, so two runs of one entry in a batch both go.
/// </summary>
internal static class BeatPublishScript
{
    /// <summary>Returned alone when the lease is lost.</summary>
    public const long LeaseLost = -1;

    // KEYS: lease, slots, state, then the list keys of every run in order.
    // ARGV[1]: holder|term; then 6 per run: entry, slot (Unix µs), state JSON, envelope, number of
    // list keys it takes from KEYS, fanout channel ('' for none).
    // Returns {-1} when the lease is lost, else {published, 1-based indices of the duplicates…}.
    // The push comes before the record: a push that fails (WRONGTYPE) leaves its run unrecorded,
    // so a retry sends it then, and the runs before it stay recorded as sent.
    public static readonly RedisScript Script = new("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {-1} end
        local out = {0}
        local key = 4
        local n = 0
        for i = 2, #ARGV, 6 do
          n = n + 1
          local entry, slot, nkeys, channel = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 4]), ARGV[i + 5]
          local last = redis.call('HGET', KEYS[2], entry)
          if last and tonumber(last) >= tonumber(slot) then
            out[#out + 1] = n
          else
            for k = key, key + nkeys - 1 do redis.call('LPUSH', KEYS[k], ARGV[i + 3]) end
            if channel ~= '' then redis.call('PUBLISH', channel, ARGV[i + 3]) end
            redis.call('HSET', KEYS[2], entry, slot)
            redis.call('HSET', KEYS[3], entry, ARGV[i + 2])
            out[1] = out[1] + 1
          end
          key = key + nkeys
        end
        return out
        """);
}
