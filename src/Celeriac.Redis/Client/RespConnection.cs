using System.IO.Pipelines;
using System.Net.Sockets;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Client;

/// <summary>
/// One socket to Redis, pipelined: callers append commands to an output buffer under a short
/// lock and queue their reply slot in the same order; one flush loop sends whatever has piled up
/// (so concurrent callers share writes), and one read loop hands replies out in FIFO order.
/// It dies once — on a socket error, a protocol error, a timeout or dispose — failing everything
/// in flight; <see cref="RedisConnection"/> replaces it.
/// </summary>
/// <remarks>
/// The loops run on the thread pool, as is usual for .NET network clients: a process that starves
/// its pool (blocking calls, long CPU work on pool threads) delays Redis I/O along with everything
/// else. The timeout clock is wall time, so such a stall can surface as command timeouts.
/// </remarks>
internal sealed partial class RespConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly Func<RespValue, bool>? _push;
    private readonly Timer _timeoutTimer;
    private readonly Task _readLoop;
    // Read loop only: keeps the part of a long reply parsed so far between reads.
    private readonly RespReader _reader = new();

    // Guards the output buffer, the pending queue, the flush flag and the failure, which must
    // change together: the order of bytes in the buffer is the order of slots in the queue.
    private readonly Lock _sync = new();
    private readonly Queue<PendingOperation> _pending = new();
    private RentedBufferWriter _outgoing = new();
    private RentedBufferWriter _sending = new();
    private bool _flushing;
    private Exception? _failure;
    private Action<RespConnection, Exception>? _closed;

    /// <param name="socket">The connected socket.</param>
    /// <param name="stream">The socket's stream, or the TLS stream over it.</param>
    /// <param name="endPoint"><c>host:port</c> for messages.</param>
    /// <param name="socketTimeout">Default time a command may wait for its reply.</param>
    /// <param name="push">For pub/sub: takes the replies that are messages rather than answers.</param>
    public RespConnection(Socket socket, Stream stream, string endPoint, TimeSpan socketTimeout, Func<RespValue, bool>? push = null)
    {
        _socket = socket;
        _stream = stream;
        EndPoint = endPoint;
        SocketTimeout = socketTimeout;
        _push = push;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        var tick = TimeoutCheckInterval(socketTimeout);
        _timeoutTimer = new Timer(static state => ((RespConnection)state!).CheckTimeouts(), this, tick, tick);
        _readLoop = ReadLoopAsync();
    }

    public string EndPoint { get; }

    public TimeSpan SocketTimeout { get; }

    /// <summary>False once the connection has failed or been disposed; it never comes back.</summary>
    public bool IsAlive => Volatile.Read(ref _failure) is null;

    /// <summary>Registers the one callback told when the connection dies (at once if it already has).</summary>
    public void OnClosed(Action<RespConnection, Exception> callback)
    {
        Exception? failure;
        lock (_sync)
        {
            failure = _failure;
            if (failure is null) _closed = callback;
        }
        if (failure is not null) callback(this, failure);
    }

    /// <summary>Queues one command; false (nothing sent) if the connection is already dead.</summary>
    public bool TrySend(in RedisCommand command, PendingOperation operation, TimeSpan timeout)
    {
        Flush flush;
        lock (_sync)
        {
            if (_failure is not null) return false;
            Write(command);
            flush = Enqueue(operation, timeout);
        }
        StartFlush(flush);
        return true;
    }

    /// <summary>Queues several commands for one flush; their replies go to one operation.</summary>
    public bool TrySend(IReadOnlyList<RedisCommand> commands, PendingOperation operation, TimeSpan timeout)
    {
        Flush flush;
        lock (_sync)
        {
            if (_failure is not null) return false;
            var mark = _outgoing.WrittenCount;
            try
            {
                for (var i = 0; i < commands.Count; i++) RespCommandWriter.Write(_outgoing, commands[i]);
            }
            catch
            {
                _outgoing.Truncate(mark);
                throw;
            }
            flush = Enqueue(operation, timeout);
        }
        StartFlush(flush);
        return true;
    }

    /// <summary>
    /// Sends commands on this very connection (handshake, resubscribe) and collects
    /// <paramref name="replies"/> replies (default one per command); error replies are returned, not thrown.
    /// </summary>
    public Task<RespValue[]> ExecuteBatchAsync(IReadOnlyList<RedisCommand> commands, TimeSpan timeout, int replies = 0)
    {
        var batch = new PendingBatch(commands[0].Name, replies > 0 ? replies : commands.Count);
        return TrySend(commands, batch, timeout) ? batch.Task : Task.FromException<RespValue[]>(Dead());
    }

    /// <summary>Closes the socket; commands in flight fail with <see cref="RedisConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        Fail(new RedisConnectionException($"The connection to Redis at {EndPoint} was closed by the client."));
        await _readLoop.ConfigureAwait(false);
    }

    private void Write(in RedisCommand command)
    {
        // Serialisation cannot fail half-way in practice (arguments are checked when built), but if
        // it did, half a command in the buffer would desynchronise every later reply.
        var mark = _outgoing.WrittenCount;
        try
        {
            RespCommandWriter.Write(_outgoing, command);
        }
        catch
        {
            _outgoing.Truncate(mark);
            throw;
        }
    }

    // Called under _sync right after the bytes went into the buffer; says whether the caller must
    // start a flush (outside the lock), and how.
    private Flush Enqueue(PendingOperation operation, TimeSpan timeout)
    {
        operation.StartClock(Environment.TickCount64, timeout);
        var idle = _pending.Count == 0;
        _pending.Enqueue(operation);
        if (_flushing) return Flush.None;
        _flushing = true;
        return idle ? Flush.Inline : Flush.Queued;
    }

    private RedisConnectionException Dead() =>
        new($"The connection to Redis at {EndPoint} is closed.", Volatile.Read(ref _failure));

    private static TimeSpan TimeoutCheckInterval(TimeSpan socketTimeout) =>
        socketTimeout == Timeout.InfiniteTimeSpan
            ? TimeSpan.FromSeconds(1)
            : TimeSpan.FromMilliseconds(Math.Clamp(socketTimeout.TotalMilliseconds / 4, 10, 1000));
}
