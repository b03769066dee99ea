using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Transport;

/// <summary>
/// Items for <see cref="TransportScripts.Restore"/>, collected in push order and run as one script
/// call per chunk (chunks run in order, so the order of pushes is kept).
/// </summary>
internal sealed class RestoreBatch(RedisLayout layout)
{
    // Keeps one script call's arguments to a few megabytes and its run time to milliseconds.
    private const int ItemsPerCall = 500;
    private readonly List<(List<RedisArgument> Keys, List<RedisArgument> Arguments)> _chunks = [];

    /// <summary>Number of items added.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Adds one message: removed from <c>unacked</c> under <paramref name="tag"/>, its exact bytes (none when empty)
    /// and, if this caller removed it, pushed to each destination list; <paramref name="front"/>
    /// pushes with RPUSH (consumed next), otherwise LPUSH (consumed last).
    /// </summary>
    public void Add(ReadOnlyMemory<byte> tag, string score, ReadOnlyMemory<byte> payload, bool front, IReadOnlyList<string> destinations)
    {
        if (Count % ItemsPerCall == 0) _chunks.Add(([layout.Unacked, layout.UnackedIndex], []));
        var (keys, arguments) = _chunks[^1];
        foreach (var destination in destinations) keys.Add(destination);
        arguments.Add(tag);
        arguments.Add(score);
        arguments.Add(payload);
        arguments.Add(front ? "R" : "L");
        arguments.Add(destinations.Count);
        Count++;
    }

    /// <summary>The first chunk as an EVALSHA command, to send in a pipeline with other commands.</summary>
    public RedisCommand? FirstCommand() =>
        _chunks.Count == 0 ? null : TransportScripts.Restore.EvalShaCommand(_chunks[0].Keys, _chunks[0].Arguments);

    /// <summary>
    /// Runs the chunks in order and returns how many items were pushed. With
    /// <paramref name="firstReply"/> the first chunk already ran in a pipeline: only a NOSCRIPT
    /// answer makes it run again (as EVAL).
    /// </summary>
    public async Task<long> RunAsync(RedisClient redis, RespValue? firstReply = null)
    {
        long pushed = 0;
        for (var i = 0; i < _chunks.Count; i++)
        {
            if (i == 0 && firstReply is { } reply && !IsNoScript(reply))
            {
                if (reply.IsError) throw new RedisServerException(reply.AsString()!);
                pushed += reply.AsInt64();
                continue;
            }
            var (keys, arguments) = _chunks[i];
            pushed += (await redis.EvaluateAsync(TransportScripts.Restore, keys, arguments, CancellationToken.None).ConfigureAwait(false)).AsInt64();
        }
        return pushed;
    }

    private static bool IsNoScript(RespValue reply) => reply.IsError && (reply.AsString() ?? "").StartsWith("NOSCRIPT", StringComparison.Ordinal);
}
