using System.Threading.Channels;
using Celeriac.Redis.Resp;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Client;

/// <summary>
/// A dedicated pub/sub connection (RESP2 puts a subscribed connection in a mode where it can do
/// nothing else). Messages arrive on <see cref="Messages"/>. The subscriber remembers what it is
/// subscribed to: when the socket is lost it reconnects in the background with backoff and
/// subscribes to everything again before it accepts further calls; messages published while it
/// was away are lost, as with any pub/sub client.
/// </summary>
internal sealed class RedisSubscriber : IAsyncDisposable
{
    // Unbounded: the read loop must never wait on a slow reader, or subscribe confirmations would
    // stall behind messages. Redis's own pub/sub output limit caps what can pile up.
    private readonly Channel<RedisMessage> _messages;
    private readonly RedisConnection _connection;
    private readonly ILogger? _logger;
    private readonly Lock _sync = new();
    private readonly HashSet<string> _channels = new(StringComparer.Ordinal);
    private readonly HashSet<string> _patterns = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();
    // Released on every lost socket; a count rather than a flag, so a loss reported while the
    // keeper is still busy with the previous one is not missed.
    private readonly SemaphoreSlim _lost = new(0);
    private readonly Task _keeper;

    /// <param name="options">Server, credentials and timeouts.</param>
    /// <param name="logger">Told about reconnects.</param>
    /// <param name="synchronousReader">
    /// The reader of <see cref="Messages"/> runs on the socket's read loop, without a hop to the
    /// thread pool per message. Only for a reader that never blocks: while it runs, nothing else
    /// on this connection is read.
    /// </param>
    public RedisSubscriber(RedisConnectionOptions options, ILogger? logger = null, bool synchronousReader = false)
    {
        _messages = Channel.CreateUnbounded<RedisMessage>(
            new UnboundedChannelOptions { SingleWriter = true, AllowSynchronousContinuations = synchronousReader });
        _logger = logger;
        _connection = new RedisConnection(options, logger, "pub/sub", TryDeliver, ResubscribeAsync);
        _connection.Disconnected += _ => _lost.Release();
        _keeper = KeepConnectedAsync(_disposed.Token);
    }

    /// <summary>Every message for the subscribed channels and patterns, in the order Redis sent them.</summary>
    public ChannelReader<RedisMessage> Messages => _messages.Reader;

    /// <summary>True while the socket is up (and so subscriptions are live).</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <summary>
    /// Raised after a new socket was subscribed to every channel and pattern again: whatever was
    /// published while the old one was gone was missed, however short the gap.
    /// </summary>
    public event Action? Resubscribed;

    /// <summary>Opens the connection now so that bad settings fail early.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => _connection.ConnectAsync(cancellationToken);

    /// <summary>SUBSCRIBE; returns once Redis confirmed every channel.</summary>
    public Task SubscribeAsync(IReadOnlyCollection<string> channels, CancellationToken cancellationToken = default) =>
        ChangeAsync("SUBSCRIBE", _channels, add: true, channels, cancellationToken);

    /// <summary>UNSUBSCRIBE from the given channels.</summary>
    public Task UnsubscribeAsync(IReadOnlyCollection<string> channels, CancellationToken cancellationToken = default) =>
        ChangeAsync("UNSUBSCRIBE", _channels, add: false, channels, cancellationToken);

    /// <summary>PSUBSCRIBE to glob-style patterns (<c>celeryev.*</c>).</summary>
    public Task PatternSubscribeAsync(IReadOnlyCollection<string> patterns, CancellationToken cancellationToken = default) =>
        ChangeAsync("PSUBSCRIBE", _patterns, add: true, patterns, cancellationToken);

    /// <summary>PUNSUBSCRIBE from the given patterns.</summary>
    public Task PatternUnsubscribeAsync(IReadOnlyCollection<string> patterns, CancellationToken cancellationToken = default) =>
        ChangeAsync("PUNSUBSCRIBE", _patterns, add: false, patterns, cancellationToken);

    /// <summary>Closes the connection and completes <see cref="Messages"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        _disposed.Cancel();
        await _connection.DisposeAsync().ConfigureAwait(false);
        await _keeper.ConfigureAwait(false);
        _messages.Writer.TryComplete();
    }

    private async Task ChangeAsync(string command, HashSet<string> names, bool add, IReadOnlyCollection<string> changes, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (changes.Count == 0) return;
        lock (_sync)
        {
            foreach (var name in changes)
            {
                if (add) names.Add(name);
                else names.Remove(name);
            }
        }
        // With no socket there is no server-side subscription to undo.
        if (!add && !_connection.IsConnected) return;
        var arguments = changes.Select(name => (RedisArgument)name).ToArray();
        // Redis confirms each channel with its own reply.
        var replies = await _connection.ExecuteMultiReplyAsync(new RedisCommand(command, arguments), changes.Count, cancellationToken).ConfigureAwait(false);
        ThrowIfError(replies);
    }

    // Runs on each new socket before it is handed out, so nobody sees a connection that has lost
    // its subscriptions.
    private async Task ResubscribeAsync(RespConnection connection, CancellationToken cancellationToken)
    {
        string[] channels, patterns;
        lock (_sync)
        {
            channels = [.. _channels];
            patterns = [.. _patterns];
        }
        var commands = new List<RedisCommand>(2);
        if (channels.Length > 0) commands.Add(new RedisCommand("SUBSCRIBE", channels.Select(c => (RedisArgument)c).ToArray()));
        if (patterns.Length > 0) commands.Add(new RedisCommand("PSUBSCRIBE", patterns.Select(p => (RedisArgument)p).ToArray()));
        if (commands.Count == 0) return;
        var replies = await connection.ExecuteBatchAsync(commands, connection.SocketTimeout, channels.Length + patterns.Length)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfError(replies);
        _logger?.LogInformation("Redis subscriber resubscribed to {Channels} channel(s) and {Patterns} pattern(s)", channels.Length, patterns.Length);
        Resubscribed?.Invoke();
    }

    // Called by the read loop for every reply: messages go to the channel, anything else (the
    // confirmations) goes on to the command waiting for it.
    private bool TryDeliver(RespValue reply)
    {
        if (reply.Type != RespType.Array || reply.IsNull) return false;
        var items = reply.AsArray();
        RedisMessage message;
        if (items.Length == 3 && items[0].Is("message"u8)) message = new RedisMessage(items[1].AsString()!, null, items[2].Bytes);
        else if (items.Length == 4 && items[0].Is("pmessage"u8)) message = new RedisMessage(items[2].AsString()!, items[1].AsString(), items[3].Bytes);
        else return false;
        // Never fails on an unbounded channel; after dispose (completed) the message is dropped.
        _messages.Writer.TryWrite(message);
        return true;
    }

    // Nobody else would notice the socket is gone (a subscriber sends nothing), so this loop
    // brings it back; the connection's own backoff spaces the attempts.
    private async Task KeepConnectedAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await _lost.WaitAsync(stopping).ConfigureAwait(false);
                while (!_connection.IsConnected)
                {
                    try
                    {
                        await _connection.ConnectAsync(stopping).ConfigureAwait(false);
                    }
                    catch (Exception) when (!stopping.IsCancellationRequested)
                    {
                        var wait = _connection.RetryDelay;
                        await Task.Delay(wait > ReconnectBackoff.MinDelay ? wait : ReconnectBackoff.MinDelay, stopping).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Disposed: OperationCanceledException or ObjectDisposedException from the connection.
        }
    }

    private static void ThrowIfError(RespValue[] replies)
    {
        foreach (var reply in replies)
        {
            if (reply.IsError) throw new RedisServerException(reply.AsString()!);
        }
    }
}
