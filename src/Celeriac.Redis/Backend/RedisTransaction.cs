using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Backend;

/// <summary>
/// <c>MULTI</c> … <c>EXEC</c> in one round trip, as redis-py's default (transactional) pipeline
/// sends what Celery's backend does (docs/protocol.md §4.2, §4.8). The shared connection writes a batch
/// contiguously, so no other caller's command lands inside the transaction.
/// </summary>
internal static class RedisTransaction
{
    private static readonly RedisCommand Multi = new("MULTI");
    private static readonly RedisCommand Exec = new("EXEC");

    /// <summary>Runs the commands atomically and returns their replies; any error reply throws.</summary>
    public static async Task<RespValue[]> ExecuteAsync(RedisClient client, IReadOnlyList<RedisCommand> commands, CancellationToken cancellationToken)
    {
        var batch = new RedisCommand[commands.Count + 2];
        batch[0] = Multi;
        for (var i = 0; i < commands.Count; i++) batch[i + 1] = commands[i];
        batch[^1] = Exec;
        var replies = await client.ExecuteBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        // A command refused while queuing (syntax, arity) makes EXEC answer EXECABORT: report the cause.
        foreach (var reply in replies) ThrowIfError(reply);
        var exec = replies[^1];
        if (exec.IsNull) throw new RedisServerException("EXECABORT the transaction was discarded");
        var results = exec.AsArray();
        // Errors while running (WRONGTYPE) come back inside EXEC's array; the other commands ran.
        foreach (var result in results) ThrowIfError(result);
        return results;
    }

    private static void ThrowIfError(in RespValue reply)
    {
        if (reply.IsError) throw new RedisServerException(reply.AsString()!);
    }
}
