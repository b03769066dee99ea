using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Backend;

/// <summary>
/// Celery's native chord join on Redis (docs/protocol.md §4.8), on the same keys and nearly command for command as
/// <c>RedisBackend.on_chord_part_return</c> sends them (vector
/// <c>result_redis_chord_join_commands</c>), so C# and Python workers can finish each other's
/// chords: the size in <c>&lt;gid&gt;.s</c>, extras in <c>&lt;gid&gt;.t</c>, parts in
/// <c>&lt;gid&gt;.j</c> — a sorted set scored by group index, or a list with
/// <c>result_chord_ordered=False</c>. Differences, on purpose: a part is added once per task
/// (<see cref="AddChordPartScript"/>), so a redelivered header task cannot send the body twice;
/// and the body's send is claimed in <c>&lt;gid&gt;.f</c> (<see cref="ChordClaim"/>), so a
/// redelivered completing part can take it over after a lease when its worker died.
/// </summary>
internal sealed class RedisChordJoin(RedisClient client, RedisBackendSettings settings)
{
    private static readonly RedisArgument NoIndex = "+inf";
    private readonly RedisLayout _layout = settings.Layout;
    private readonly long _expires = settings.ExpiresSeconds;

    /// <summary>
    /// <c>set_chord_size</c>: Celery's generic <c>set</c>, i.e. <c>SETEX .s</c> (or <c>SET</c>)
    /// and <c>PUBLISH .s</c> in one transaction.
    /// </summary>
    public async ValueTask SetSizeAsync(string groupId, int size, CancellationToken cancellationToken)
    {
        var key = _layout.ChordSizeKey(groupId);
        await RedisTransaction.ExecuteAsync(client, [SetCommand(key, size), new RedisCommand("PUBLISH", key, size)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>add_to_chord</c>: <c>INCRBY .t</c> (Python sends <c>INCRBY .t 1</c> per replaced task).</summary>
    public async ValueTask AddExtraAsync(string groupId, int count, CancellationToken cancellationToken) =>
        await client.ExecuteAsync(new RedisCommand("INCRBY", _layout.ChordExtraKey(groupId), count), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Adds a part unless its task's part is already in, and reads the counters, in one call of
    /// <see cref="AddChordPartScript"/>: the same <c>ZADD</c> (or <c>RPUSH</c>), <c>ZCOUNT -inf +inf</c>
    /// (or <c>LLEN</c>), <c>GET .t</c>, <c>GET .s</c> and <c>EXPIRE</c> ×3 as Python's pipeline,
    /// after a look at the members already at the part's score. The count includes exactly the
    /// parts added before, so of two parts that finish together only one sees the total, and a
    /// redelivered part is reported as a duplicate instead of completing the chord again.
    /// </summary>
    public async ValueTask<ChordProgress> AddPartAsync(string groupId, int? groupIndex, ResultMeta part, ChordClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(part);
        // [1, task_id, state, result]: the result as encode_result leaves it — the value, or the
        // exception object — in json.dumps' bytes, so a part written by us equals Python's.
        var member = PythonJson.DumpsUtf8(new JsonArray(1, part.TaskId, part.Status, part.Result?.DeepClone()));
        var reply = await client.EvaluateAsync(AddChordPartScript.Script,
            [_layout.ChordJoinKey(groupId), _layout.ChordExtraKey(groupId), _layout.ChordSizeKey(groupId), _layout.ChordClaimKey(groupId)],
            [member, groupIndex is { } index ? index : NoIndex, part.TaskId, PythonJson.Dumps(JsonValue.Create(part.TaskId)), _expires, settings.ChordOrdered ? 1 : 0,
             claim.Now.ToUnixTimeMilliseconds(), (long)claim.Lease.TotalMilliseconds],
            cancellationToken).ConfigureAwait(false);
        var values = reply.AsArray();
        return new ChordProgress(
            Ready: values[1].AsInt64(),
            Size: values[3].IsNull ? null : values[3].AsInt64(),
            Extra: values[2].IsNull ? 0 : values[2].AsInt64(),
            Added: values[0].AsInt64() == 1,
            TookOver: values[4].AsInt64() == 1);
    }

    /// <summary>
    /// The parts, read as the completing worker does: <c>ZRANGE .j 0 -1</c> (by group index; parts
    /// without one score +inf and come last) or <c>LRANGE .j 0 -1</c>, inside MULTI/EXEC.
    /// </summary>
    public async ValueTask<IReadOnlyList<ChordPart>> GetPartsAsync(string groupId, CancellationToken cancellationToken)
    {
        var join = _layout.ChordJoinKey(groupId);
        var read = settings.ChordOrdered ? new RedisCommand("ZRANGE", join, 0, -1) : new RedisCommand("LRANGE", join, 0, -1);
        var replies = await RedisTransaction.ExecuteAsync(client, [read], cancellationToken).ConfigureAwait(false);
        return replies[0].AsArray().Select(member => ParsePart(member.Bytes.Span)).ToList();
    }

    /// <summary>
    /// Deletes the keys once the body was sent: <c>DEL .j</c>, <c>DEL .t</c>, <c>DEL .s</c> as
    /// Python does, and our <c>DEL .f</c>, in one transaction.
    /// </summary>
    public async ValueTask DeleteAsync(string groupId, CancellationToken cancellationToken) =>
        await RedisTransaction.ExecuteAsync(client,
        [
            new RedisCommand("DEL", _layout.ChordJoinKey(groupId)),
            new RedisCommand("DEL", _layout.ChordExtraKey(groupId)),
            new RedisCommand("DEL", _layout.ChordSizeKey(groupId)),
            new RedisCommand("DEL", _layout.ChordClaimKey(groupId)),
        ], cancellationToken).ConfigureAwait(false);

    /// <summary>The body was dealt with but the join stays to expire: <c>.f</c> becomes <c>closed</c> (with the join's TTL).</summary>
    public async ValueTask CloseAsync(string groupId, CancellationToken cancellationToken) =>
        await client.ExecuteAsync(SetCommand(_layout.ChordClaimKey(groupId), "closed"), cancellationToken).ConfigureAwait(false);

    private RedisCommand SetCommand(string key, RedisArgument value) =>
        _expires > 0 ? new RedisCommand("SETEX", key, _expires, value) : new RedisCommand("SET", key, value);

    /// <summary>Reads a member <c>[1, task_id, state, result]</c> (Python's <c>_unpack_chord_result</c> layout).</summary>
    internal static ChordPart ParsePart(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try
        {
            node = CeleryJson.Parse(utf8);
        }
        catch (System.Text.Json.JsonException error)
        {
            throw new FormatException("chord part is not JSON: " + error.Message, error);
        }
        if (node is not JsonArray { Count: 4 } tuple || tuple[1] is not JsonValue id || tuple[2] is not JsonValue state)
            throw new FormatException("chord part is not [1, task_id, state, result]");
        return new ChordPart(id.GetValue<string>(), state.GetValue<string>(), tuple[3]?.DeepClone());
    }
}
