using Celeriac.Redis.Client;

namespace Celeriac.Redis.Backend;

/// <summary>
/// The Lua script that adds one chord part exactly once (docs/protocol.md §4.8, made idempotent). Python's
/// pipeline — <c>ZADD</c>, <c>ZCOUNT</c>, <c>GET .t</c>, <c>GET .s</c>, <c>EXPIRE</c> ×3 — sees the
/// total again when a redelivered header task adds its part a second time (an identical member
/// adds nothing, a different result adds a second member), and then sends the body twice. This
/// script first looks for a member of the same task — at the part's score (its group index), or
/// among all members when it has none (<c>+inf</c>), or the whole list with
/// <c>result_chord_ordered=False</c> — and adds only when there is none; the keys, scores and
/// member bytes stay what Python's workers write and read, so both can share a chord.
/// When the count reaches the total, the script also keeps the claim on the body's send in
/// <c>.f</c> (ours; Python never reads it): the completing add writes its time; a duplicate add
/// that finds a claim (not <c>closed</c>) older than the lease takes it over and reports so. A
/// complete join without a claim was completed by a Python worker and is left alone.
/// </summary>
internal static class AddChordPartScript
{
    // KEYS: .j, .t, .s, .f. ARGV[1]: the member [1, "<tid>", "<state>", <result>]; ARGV[2]: its score
    // ("+inf" without a group index); ARGV[3]: the task id; ARGV[4]: the task id as a JSON string;
    // ARGV[5]: TTL in seconds, 0 for none; ARGV[6]: "1" for the sorted set, "0" for the list;
    // ARGV[7]: the caller's time in Unix ms; ARGV[8]: the claim's lease in ms.
    // Returns {added (1/0), ready count, .t or nil, .s or nil, took over (1/0)}.
    //
    // A member is the task's when it starts [1, "<tid>" (any spacing: Python writes ", ", older
    // Celeriac wrote ","). One that merely mentions the id (in its result, or with other escapes)
    // is decoded with cjson to be sure; members that do not contain the id are never decoded.
    private const string Source = """
        local join, extra, size, claim = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local member, score, tid, tid_json = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local ttl, ordered = tonumber(ARGV[5]), ARGV[6] == '1'
        local now, lease = tonumber(ARGV[7]), tonumber(ARGV[8])
        local function is_this_task(m)
          if not string.find(m, tid, 1, true) and not string.find(m, tid_json, 1, true) then return false end
          local _, head = string.find(m, '^%[%s*1%s*,%s*')
          if head and string.sub(m, head + 1, head + #tid_json) == tid_json then return true end
          local ok, part = pcall(cjson.decode, m)
          return ok and type(part) == 'table' and part[2] == tid
        end
        local present
        if not ordered then
          present = redis.call('LRANGE', join, 0, -1)
        elseif score == '+inf' then
          present = redis.call('ZRANGE', join, 0, -1)
        else
          present = redis.call('ZRANGEBYSCORE', join, score, score)
        end
        local added = 1
        for _, m in ipairs(present) do
          if is_this_task(m) then
            added = 0
            break
          end
        end
        local ready
        if ordered then
          if added == 1 then redis.call('ZADD', join, score, member) end
          ready = redis.call('ZCOUNT', join, '-inf', '+inf')
        else
          if added == 1 then redis.call('RPUSH', join, member) end
          ready = redis.call('LLEN', join)
        end
        local extra_count = redis.call('GET', extra)
        local size_count = redis.call('GET', size)
        local function set_claim()
          if ttl > 0 then redis.call('SET', claim, ARGV[7], 'EX', ttl) else redis.call('SET', claim, ARGV[7]) end
        end
        local took_over = 0
        if size_count and ready == tonumber(size_count) + tonumber(extra_count or '0') then
          if added == 1 then
            set_claim()
          else
            local at = redis.call('GET', claim)
            if at and at ~= 'closed' and now - tonumber(at) >= lease then
              set_claim()
              took_over = 1
            end
          end
        end
        if ttl > 0 then
          redis.call('EXPIRE', join, ttl)
          redis.call('EXPIRE', extra, ttl)
          redis.call('EXPIRE', size, ttl)
        end
        return {added, ready, extra_count, size_count, took_over}
        """;

    /// <summary>The script, run by hash.</summary>
    public static RedisScript Script { get; } = new(Source);
}
