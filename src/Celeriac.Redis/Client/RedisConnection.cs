using Celeriac.Redis.Resp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Redis.Client;

/// <summary>
/// A connection to Redis that outlives its sockets: commands go to the current
/// <see cref="RespConnection"/>; when that dies, commands in flight fail and the next command
/// opens a new one, waiting out an exponential backoff (50 ms doubling to 2 s) while the server
/// stays away. Safe for any number of concurrent callers, which all share one pipelined socket.
/// </summary>
/// <remarks>
/// Cancelling a command's token abandons the wait, not the command: it was already sent, and its
/// reply is read and dropped. For a pop that would drop the popped item, so blocking pops should
/// rely on their server-side timeout rather than on cancellation.
/// </remarks>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Func<RespValue, bool>? _push;
    private readonly Func<RespConnection, CancellationToken, Task>? _initialize;
    private readonly ILogger _logger;
    private readonly string _role;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly ReconnectBackoff _backoff = new();
    private readonly CancellationTokenSource _disposed = new();
    private RespConnection? _current;
    private RedisConnectionException? _lastError;
    private bool _everConnected;

    /// <param name="options">Server, credentials and timeouts.</param>
    /// <param name="logger">Told about lost and restored connections.</param>
    /// <param name="role">What the connection is for ("commands", "blocking", "pub/sub"), for logs.</param>
    /// <param name="push">Pub/sub only: takes the replies that are messages.</param>
    /// <param name="initialize">Runs on each new socket before it is used (pub/sub resubscribes here).</param>
    public RedisConnection(RedisConnectionOptions options, ILogger? logger = null, string role = "commands",
        Func<RespValue, bool>? push = null, Func<RespConnection, CancellationToken, Task>? initialize = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? NullLogger.Instance;
        _role = role;
        _push = push;
        _initialize = initialize;
    }

    /// <summary>Raised (on an I/O thread) when the current socket dies, unless the connection is being disposed.</summary>
    public event Action<Exception>? Disconnected;

    /// <summary>Raised after dispose, so an owner can stop tracking this connection.</summary>
    public event Action<RedisConnection>? Disposed;

    public RedisConnectionOptions Options { get; }

    /// <summary>True while a live socket is open.</summary>
    public bool IsConnected => Volatile.Read(ref _current) is { IsAlive: true };

    /// <summary>How long until the backoff allows the next connection attempt.</summary>
    public TimeSpan RetryDelay => _backoff.Remaining;

    /// <summary>Opens the socket now (rather than on the first command), so bad settings fail early.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => GetConnectionAsync(cancellationToken).AsTask();

    /// <summary>
    /// Sends one command and returns its reply. An error reply throws <see cref="RedisServerException"/>
    /// (the connection stays usable); no reply within the timeout throws <see cref="TimeoutException"/>;
    /// a lost connection throws <see cref="RedisConnectionException"/>.
    /// </summary>
    public ValueTask<RespValue> ExecuteAsync(RedisCommand command, CancellationToken cancellationToken = default)
    {
        var connection = Volatile.Read(ref _current);
        if (connection is not null && !cancellationToken.IsCancellationRequested)
        {
            var reply = PendingReply.Rent(command.Name);
            if (connection.TrySend(command, reply, TimeoutFor(command))) return reply.AsValueTask(cancellationToken);
            reply.ReturnUnused();
        }
        return ExecuteSlowAsync(command, cancellationToken);
    }

    /// <summary>
    /// Sends all commands in one write and returns their replies in order. Error replies are returned
    /// as values (<see cref="RespValue.IsError"/>), not thrown, so one failure does not hide the rest;
    /// wrap the commands in MULTI … EXEC for a transaction.
    /// </summary>
    public Task<RespValue[]> ExecuteBatchAsync(IReadOnlyList<RedisCommand> commands, CancellationToken cancellationToken = default) =>
        commands.Count == 0 ? Task.FromResult(Array.Empty<RespValue>()) : SendAsync(commands, commands.Count, cancellationToken);

    /// <summary>Sends one command that answers with several replies (SUBSCRIBE with several channels).</summary>
    public Task<RespValue[]> ExecuteMultiReplyAsync(RedisCommand command, int replies, CancellationToken cancellationToken = default) =>
        SendAsync([command], replies, cancellationToken);

    /// <summary>Closes the socket; commands in flight fail, later ones throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        _disposed.Cancel();
        var connection = Interlocked.Exchange(ref _current, null);
        if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        Disposed?.Invoke(this);
    }

    private async ValueTask<RespValue> ExecuteSlowAsync(RedisCommand command, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            var reply = PendingReply.Rent(command.Name);
            // False only if the socket died since we got it; nothing was sent, so trying again is safe.
            if (connection.TrySend(command, reply, TimeoutFor(command))) return await reply.AsValueTask(cancellationToken).ConfigureAwait(false);
            reply.ReturnUnused();
        }
    }

    private async Task<RespValue[]> SendAsync(IReadOnlyList<RedisCommand> commands, int replies, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.Zero;
        foreach (var command in commands)
        {
            var limit = TimeoutFor(command);
            if (limit == Timeout.InfiniteTimeSpan || (timeout != Timeout.InfiniteTimeSpan && limit > timeout)) timeout = limit;
        }
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            var batch = new PendingBatch(commands[0].Name, replies);
            if (connection.TrySend(commands, batch, timeout)) return await batch.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan TimeoutFor(in RedisCommand command)
    {
        var socketTimeout = Options.SocketTimeout;
        if (command.BlockingTimeout is not { } blocking) return socketTimeout;
        // The server may legitimately stay silent for its own timeout; zero means it blocks forever.
        return blocking <= TimeSpan.Zero || socketTimeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : blocking + socketTimeout;
    }

    private ValueTask<RespConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        return current is { IsAlive: true } ? ValueTask.FromResult(current) : new ValueTask<RespConnection>(ConnectSlowAsync(cancellationToken));
    }

    private async Task<RespConnection> ConnectSlowAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        // One attempt at a time; everyone else waits for it, but no longer than the connect timeout.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        patience.CancelAfter(Options.ConnectTimeout);
        try
        {
            await _connectGate.WaitAsync(patience.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw GaveUp(cancellationToken);
        }
        try
        {
            var current = Volatile.Read(ref _current);
            if (current is { IsAlive: true }) return current;
            var delay = _backoff.Remaining;
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, patience.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw GaveUp(cancellationToken);
                }
            }
            return await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private async Task<RespConnection> OpenAsync(CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        RespConnection fresh;
        try
        {
            fresh = await RespConnector.ConnectAsync(Options, _push, _initialize, attempt.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            _backoff.Failed();
            _lastError = error as RedisConnectionException ?? new RedisConnectionException(error.Message, error);
            _logger.LogWarning("Redis {Role} connection to {EndPoint} failed (attempt {Attempt}): {Reason}",
                _role, Options.EndPoint, _backoff.Failures, error.Message);
            throw;
        }
        catch (OperationCanceledException)
        {
            throw GaveUp(cancellationToken);
        }
        _backoff.Succeeded();
        _lastError = null;
        Volatile.Write(ref _current, fresh);
        if (_disposed.IsCancellationRequested)
        {
            // Disposed while connecting: the socket must not outlive its owner.
            await fresh.DisposeAsync().ConfigureAwait(false);
            throw new ObjectDisposedException(GetType().Name);
        }
        fresh.OnClosed(OnSocketClosed);
        if (_everConnected) _logger.LogInformation("Redis {Role} connection to {EndPoint} restored", _role, Options.EndPoint);
        _everConnected = true;
        return fresh;
    }

    private void OnSocketClosed(RespConnection connection, Exception cause)
    {
        if (Interlocked.CompareExchange(ref _current, null, connection) != connection || _disposed.IsCancellationRequested) return;
        _logger.LogWarning("Redis {Role} connection to {EndPoint} lost: {Reason}", _role, Options.EndPoint, cause.Message);
        Disconnected?.Invoke(cause);
    }

    private Exception GaveUp(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var last = _lastError;
        var message = last is null
            ? $"Could not connect to Redis at {Options.EndPoint} within {RespConnection.Describe(Options.ConnectTimeout)}."
            : $"Redis at {Options.EndPoint} is unavailable; retrying with backoff. Last attempt: {last.Message}";
        return last is RedisAuthenticationException ? new RedisAuthenticationException(message, last) : new RedisConnectionException(message, last);
    }
}
