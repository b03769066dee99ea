using Celeriac.Redis.Client;

namespace Celeriac.Redis.Transport;

/// <summary>
/// The Lua scripts of the transport. Each runs atomically on the server, which is what makes
/// batching safe: a popped message is recorded in <c>unacked</c> in the same step that pops it,
/// and a message given back is pushed only by whoever removed its <c>unacked</c> entry.
/// </summary>
internal static class TransportScripts
{
    /// <summary>
    /// Pops up to ARGV[1] messages in kombu's order and records each one for ack emulation
    /// (docs/protocol.md §2.3–2.4): <c>ZADD unacked_index &lt;time&gt; &lt;tag&gt;</c> and
    /// <c>HSET unacked &lt;tag&gt; "[&lt;envelope as read&gt;, &lt;exchange&gt;, &lt;routing key&gt;]"</c>,
    /// the same entry kombu writes (vector <c>redis_unacked_entry</c>).
    /// KEYS: unacked, unacked_index, then the consume keys, step-major (q1, q2, q1·3, q2·3, …).
    /// ARGV: max, time (Unix seconds), ack emulation ('1'/'0'), queue count, rotate ('1'/'0'), the
    /// 1-based key index a BRPOP already popped from (0: none), the value it popped, and a byte
    /// budget: once the messages taken hold that many bytes no more are taken (at least one always
    /// is), so a queue of large messages is received a few at a time — one call holding hundreds of
    /// megabytes kept Redis busy for seconds and its reply past the client's timeout.
    /// Returns key index, value, delivery tag and score of each message, flat; the tag is '' when
    /// the value is not an envelope kombu could record (not JSON, no string delivery_tag or
    /// delivery_info.exchange): such a value is not recorded and goes back to the caller as is.
    /// The n-th message of a call is scored time + n µs: kombu scores each delivery with its own
    /// time(), and a sweep restores in score order, so equal scores would lose the delivery order.
    /// Round robin pops one message at a time and moves its queue to the end, as kombu does after
    /// each BRPOP; fixed orders pop runs from one list with <c>RPOP key count</c>: one message first,
    /// then as many as the rest of the budget holds at the average size so far (a budget passed
    /// inside a run, by larger messages, pushes the rest of it back where it was, in order).
    /// </summary>
    public static readonly RedisScript Receive = new("""
        local max = tonumber(ARGV[1])
        local now = tonumber(ARGV[2])
        local ack = ARGV[3] == '1'
        local nq = tonumber(ARGV[4])
        local rotate = ARGV[5] == '1'
        local steps = (#KEYS - 2) / nq
        local order, empty, out, zadd, hset = {}, {}, {}, {}, {}
        local budget = tonumber(ARGV[8])
        local taken, bytes = 0, 0
        for q = 1, nq do order[q] = q end

        -- Fast path: kombu's and our envelopes spell these fields one way, so they are found
        -- without decoding the whole envelope; anything unusual (escapes, another key order, a
        -- name twice) goes through cjson. Each name is located with a plain find (memchr/memcmp)
        -- and only then matched as a pattern, anchored there: an unanchored pattern tries every
        -- position of the envelope, which cost several times the rest of the script.
        local function after(value, name)
          local _, last = string.find(value, name, 1, true)
          if not last or string.find(value, name, last + 1, true) then return nil end
          return last + 1
        end
        local function fields(value)
          local at = after(value, '"delivery_tag"')
          if not at then return nil end
          local tag = string.match(value, '^:%s*"([^"\\]+)"', at)
          if not tag then return nil end
          at = after(value, '"delivery_info"')
          if not at then return nil end
          local ex, rk = string.match(value, '^:%s*{"exchange":%s*"([^"\\]*)",%s*"routing_key":%s*"([^"\\]*)"}', at)
          if not ex then return nil end
          return tag, ex, rk
        end

        local function take(k, value)
          local tag = ''
          local score = string.format('%.17g', now + taken * 0.000001)
          -- exchange and routing key arrive as JSON text: plain-matched ones are quoted here,
          -- decoded ones re-encoded, so the unacked entry reads as kombu writes it.
          local ex, rk
          local ftag, fex, frk = fields(value)
          if ftag then
            tag, ex, rk = ftag, '"' .. fex .. '"', '"' .. frk .. '"'
          else
            local ok, env = pcall(cjson.decode, value)
            if ok and type(env) == 'table' and type(env.properties) == 'table' then
              local props = env.properties
              local info = props.delivery_info
              if type(props.delivery_tag) == 'string' and type(info) == 'table' and type(info.exchange) == 'string' then
                tag = props.delivery_tag
                local key = info.routing_key
                if type(key) ~= 'string' then key = '' end
                ex, rk = cjson.encode(info.exchange), cjson.encode(key)
              end
            end
          end
          if ack and tag ~= '' then
            zadd[#zadd + 1] = score
            zadd[#zadd + 1] = tag
            hset[#hset + 1] = tag
            hset[#hset + 1] = '[' .. value .. ', ' .. ex .. ', ' .. rk .. ']'
          end
          out[#out + 1] = k
          out[#out + 1] = value
          out[#out + 1] = tag
          out[#out + 1] = score
          taken = taken + 1
          bytes = bytes + #value
        end

        local function to_end(q)
          for p = 1, nq do
            if order[p] == q then
              table.remove(order, p)
              order[nq] = q
              return
            end
          end
        end

        local first = tonumber(ARGV[6])
        if first > 0 then
          take(first, ARGV[7])
          if rotate then to_end((first - 1) % nq + 1) end
        end

        while taken < max and bytes < budget do
          local found = false
          for s = 0, steps - 1 do
            for p = 1, nq do
              local q = order[p]
              local k = s * nq + q
              if not empty[k] then
                if rotate then
                  local v = redis.call('RPOP', KEYS[2 + k])
                  if v then take(k, v); to_end(q); found = true else empty[k] = true end
                else
                  -- The first message alone, then as many as the budget left would hold at the
                  -- average size so far: small tasks come in two pops, large ones one at a time.
                  local want = max - taken
                  if taken == 0 then
                    want = 1
                  elseif bytes > 0 then
                    local fit = math.floor((budget - bytes) * taken / bytes)
                    if fit < 1 then fit = 1 end
                    if fit < want then want = fit end
                  end
                  local vs = redis.call('RPOP', KEYS[2 + k], want)
                  if vs then
                    for i, v in ipairs(vs) do
                      if bytes >= budget then
                        -- Over the budget: the rest goes back to the front, the first popped last.
                        for j = #vs, i, -1 do redis.call('RPUSH', KEYS[2 + k], vs[j]) end
                        break
                      end
                      take(k, v)
                    end
                    found = true
                  end
                  if not vs or #vs < want then empty[k] = true end
                end
              end
              if found then break end
            end
            if found then break end
          end
          if not found then break end
        end

        for i = 1, #zadd, 1000 do
          redis.call('ZADD', KEYS[2], unpack(zadd, i, math.min(i + 999, #zadd)))
          redis.call('HSET', KEYS[1], unpack(hset, i, math.min(i + 999, #hset)))
        end
        return out
        """);

    /// <summary>
    /// Gives messages back to lists (requeue: LPUSH, the back; restore: RPUSH, the front), each only
    /// if this caller removes its <c>unacked</c> entry, so a sweep racing a consumer (or two sweeps)
    /// can never push one message twice (docs/protocol.md §2.4). An item with a score is also skipped when the
    /// index holds another score for its tag: the message was restored and delivered again since,
    /// and the entry is someone else's now.
    /// KEYS: unacked, unacked_index, then the destination lists of every item in order.
    /// ARGV, 5 per item: delivery tag ('' for a message never recorded), score at delivery ('' for
    /// any), payload, 'L' or 'R', number of destination lists (0 only removes the entry).
    /// Returns how many items were pushed.
    /// </summary>
    public static readonly RedisScript Restore = new("""
        local pushed = 0
        local key = 3
        for i = 1, #ARGV, 5 do
          local tag, score, payload, side, n = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], tonumber(ARGV[i + 4])
          local mine = true
          if tag ~= '' then
            local current = redis.call('ZSCORE', KEYS[2], tag)
            if current and score ~= '' and tonumber(current) ~= tonumber(score) then
              mine = false
            else
              mine = redis.call('HDEL', KEYS[1], tag) == 1
              if current then redis.call('ZREM', KEYS[2], tag) end
            end
          end
          if mine and n > 0 then
            local push = side == 'L' and 'LPUSH' or 'RPUSH'
            for d = 0, n - 1 do redis.call(push, KEYS[key + d], payload) end
            pushed = pushed + 1
          end
          key = key + n
        end
        return pushed
        """);

    /// <summary>Releases the sweep lock only if it still holds our token (redis-py's <c>Lock.release</c>).</summary>
    public static readonly RedisScript ReleaseLock = new("""
        local token = redis.call('GET', KEYS[1])
        if not token or token ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        return 1
        """);

    /// <summary>Empties a queue's lists and answers how many messages they held, in one atomic step.</summary>
    public static readonly RedisScript Purge = new("""
        local n = 0
        for _, key in ipairs(KEYS) do
          n = n + redis.call('LLEN', key)
          redis.call('DEL', key)
        end
        return n
        """);
}
