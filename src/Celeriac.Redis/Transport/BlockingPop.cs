using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Transport;

/// <summary>
/// <c>BRPOP &lt;keys&gt; 1</c> on a connection of its own (docs/protocol.md §2.3). A pop in flight is never
/// cancelled on the client side (its reply, a popped message, would be dropped); instead a
/// cancelled wait sends <c>CLIENT UNBLOCK</c> for this connection from the shared one, which ends the
/// pop on the server as if it had timed out, so stopping does not wait out the second. Where the
/// server refuses CLIENT commands (ACLs), cancelling just waits for the timeout.
/// </summary>
internal sealed class BlockingPop(RedisClient redis, ILogger logger) : IAsyncDisposable
{
    /// <summary>BRPOP's server-side timeout; a consumer checks for cancellation between pops.</summary>
    public static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(1);

    private RedisConnection? _connection;
    private long _clientId = -1; // -1: unknown (new or reconnected socket)
    private bool _unblockRefused;

    /// <summary>
    /// Waits up to a second for a message on <paramref name="keys"/>; returns the key and the value,
    /// or null when none came (or the wait was cut short by <paramref name="cancellationToken"/>).
    /// </summary>
    public async Task<(string Key, ReadOnlyMemory<byte> Value)?> PopAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var connection = _connection ??= await OpenAsync().ConfigureAwait(false);
        if (!_unblockRefused && Volatile.Read(ref _clientId) < 0) await IdentifyAsync(connection).ConfigureAwait(false);

        var arguments = new RedisArgument[keys.Count + 1];
        for (var i = 0; i < keys.Count; i++) arguments[i] = keys[i];
        arguments[^1] = (int)ServerTimeout.TotalSeconds;
        var popping = connection.ExecuteAsync(new RedisCommand("BRPOP", arguments).WithBlockingTimeout(ServerTimeout), CancellationToken.None).AsTask();
        RespValue reply;
        using (cancellationToken.Register(() => Unblock(popping)))
        {
            reply = await popping.ConfigureAwait(false);
        }
        if (reply.IsNull) return null;
        var pair = reply.AsArray();
        return (pair[0].AsString()!, pair[1].Bytes);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<RedisConnection> OpenAsync()
    {
        var connection = await redis.OpenDedicatedConnectionAsync().ConfigureAwait(false);
        // A new socket is a new client on the server: its id must be asked again.
        connection.Disconnected += _ => Volatile.Write(ref _clientId, -1);
        return connection;
    }

    private async Task IdentifyAsync(RedisConnection connection)
    {
        try
        {
            Volatile.Write(ref _clientId, (await connection.ExecuteAsync(new RedisCommand("CLIENT", "ID")).ConfigureAwait(false)).AsInt64());
        }
        catch (RedisServerException ex)
        {
            _unblockRefused = true;
            logger.LogDebug("CLIENT ID refused ({Reason}); a cancelled receive waits for BRPOP's timeout", ex.Message);
        }
    }

    // Runs on the cancelling thread: start the unblocking and return at once. The UNBLOCK can reach
    // the server before the BRPOP does (two connections), so it is repeated until the pop returns.
    private void Unblock(Task popping) => _ = UnblockAsync(popping);

    private async Task UnblockAsync(Task popping)
    {
        try
        {
            while (!popping.IsCompleted)
            {
                var id = Volatile.Read(ref _clientId);
                if (id < 0 || _unblockRefused) return;
                var unblocked = await redis.ExecuteAsync(new RedisCommand("CLIENT", "UNBLOCK", id)).ConfigureAwait(false);
                if (unblocked.AsInt64() == 1) return;
                await Task.WhenAny(popping, Task.Delay(20)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            // The pop ends by its own timeout; nothing is lost either way.
            if (ex is RedisServerException) _unblockRefused = true;
        }
    }
}
