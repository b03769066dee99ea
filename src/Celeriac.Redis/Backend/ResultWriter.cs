using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Backend;

/// <summary>
/// Writes batches of result metas in one round trip: the batch is cut into chunks of at most
/// <see cref="MaxPerScript"/> metas, one <c>EVALSHA</c> of <see cref="StoreResultsScript"/> each,
/// all pipelined in one flush. The script is loaded lazily: the first batch after a start, a Redis
/// restart or <c>SCRIPT FLUSH</c> gets <c>NOSCRIPT</c> (nothing of those chunks ran), so the writer
/// sends <c>SCRIPT LOAD</c> and the refused chunks again, in order, in a second round trip.
/// </summary>
internal sealed class ResultWriter(RedisClient client, long expiresSeconds, ILogger logger)
{
    /// <summary>Metas per script call: bounds how long one call holds the server.</summary>
    public const int MaxPerScript = 512;

    /// <summary>
    /// How long a batch is retried while Redis is unreachable. Celery's backend retries a store
    /// about 20 times a second apart (<c>retry_policy</c>); re-running is safe, as the script
    /// writes the same bytes under the same guard.
    /// </summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Stores <paramref name="entries"/> (key and meta bytes) in order.</summary>
    public async ValueTask WriteAsync(IReadOnlyList<(string Key, byte[] Value)> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0) return;
        var commands = Chunks(entries);
        var deadline = DateTime.UtcNow + RetryFor;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunAsync(commands, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RedisConnectionException error) when (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Storing {Count} result(s) failed (attempt {Attempt}), retrying: {Reason}", entries.Count, attempt, error.Message);
                // The connection's own backoff spaces reconnects; this only avoids spinning while it is down.
                await Task.Delay(attempt == 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunAsync(RedisCommand[] commands, CancellationToken cancellationToken)
    {
        var replies = await client.ExecuteBatchAsync(commands, cancellationToken).ConfigureAwait(false);
        List<RedisCommand>? again = null;
        for (var i = 0; i < replies.Length; i++)
        {
            if (!replies[i].IsError) continue;
            var error = new RedisServerException(replies[i].AsString()!);
            if (error.ErrorCode != "NOSCRIPT") throw error;
            (again ??= [StoreResultsScript.Script.LoadCommand()]).Add(commands[i]);
        }
        if (again is null) return;
        foreach (var reply in await client.ExecuteBatchAsync(again, cancellationToken).ConfigureAwait(false))
        {
            if (reply.IsError) throw new RedisServerException(reply.AsString()!);
        }
    }

    private RedisCommand[] Chunks(IReadOnlyList<(string Key, byte[] Value)> entries)
    {
        var chunks = new RedisCommand[(entries.Count + MaxPerScript - 1) / MaxPerScript];
        for (var c = 0; c < chunks.Length; c++)
        {
            var start = c * MaxPerScript;
            var count = Math.Min(MaxPerScript, entries.Count - start);
            var keys = new RedisArgument[count];
            var arguments = new RedisArgument[count + 1];
            arguments[0] = expiresSeconds;
            for (var i = 0; i < count; i++)
            {
                keys[i] = entries[start + i].Key;
                arguments[i + 1] = entries[start + i].Value;
            }
            chunks[c] = StoreResultsScript.Script.EvalShaCommand(keys, arguments);
        }
        return chunks;
    }
}
