using System.Collections.Concurrent;
using Celeriac.Protocol.Results;
using Celeriac.RabbitMQ.Connection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Celeriac.RabbitMQ.Backend;

/// <summary>
/// The client side of <c>rpc://</c> (docs/protocol.md §3.5): the app's own reply queue, named after its
/// oid (the <c>reply_to</c> of every task it sends), on the default exchange, not durable,
/// auto-delete, with <c>x-expires</c> = <c>result_expires</c>, as Celery's <c>RPCBackend.binding</c>.
/// It is consumed (no ack, as Celery does) and the latest state of each task is kept; waiters are
/// woken by the arrival of a ready state. A read first "syncs": it sends a marker to its own queue
/// and waits for it, so every result already in the queue when the read began has been seen.
/// </summary>
internal sealed partial class RpcReplyQueue(AmqpConnection connection, string name, TimeSpan? expires, ILogger log) : IAsyncDisposable
{
    private const string SyncType = "celeriac.rpc.sync";
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, byte[]> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _latestStatus = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<byte[]>> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _syncs = new();
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private IChannel? _channel;
    private long _nextSync;

    /// <summary>The queue name (the app's oid).</summary>
    public string Name => name;

    /// <summary>Declares the queue and starts consuming it, once (again after the channel was lost).</summary>
    public async ValueTask EnsureAsync(CancellationToken cancellationToken) => await ChannelAsync(cancellationToken).ConfigureAwait(false);

    private async ValueTask<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _channel) is { IsOpen: true } open) return open;
        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_channel is { IsOpen: true } again) return again;
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            var (channel, _) = await connection.CreateChannelAsync(publisherConfirms: false, cancellationToken).ConfigureAwait(false);
            var arguments = expires is { } e ? new Dictionary<string, object?> { ["x-expires"] = Milliseconds(e) } : null;
            await channel.QueueDeclareAsync(name, durable: false, exclusive: false, autoDelete: true, arguments: arguments,
                passive: false, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => OnDeliveryAsync(delivery);
            channel.ChannelShutdownAsync += (_, e) => OnChannelLostAsync(channel, e);
            await channel.BasicConsumeAsync(name, autoAck: true, consumerTag: "", noLocal: false, exclusive: false,
                arguments: null, consumer: consumer, cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _channel, channel);
            return channel;
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>
    /// Waits until everything in the queue before now has arrived: a marker sent to the queue
    /// comes back after them (one queue keeps publish order). Gives up quietly after a while: the
    /// read then answers with what has arrived.
    /// </summary>
    public async ValueTask SyncAsync(CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(cancellationToken).ConfigureAwait(false);
        var id = Interlocked.Increment(ref _nextSync);
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _syncs[id] = seen;
        try
        {
            var properties = new BasicProperties { Type = SyncType, MessageId = id.ToString(System.Globalization.CultureInfo.InvariantCulture), DeliveryMode = DeliveryModes.Transient };
            await channel.BasicPublishAsync("", name, mandatory: false, properties, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            await seen.Task.WaitAsync(SyncTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log.LogWarning("rpc:// reply queue {Queue}: no sync marker back within {Timeout}; answering with the results seen so far", name, SyncTimeout);
        }
        finally
        {
            _syncs.TryRemove(id, out _);
        }
    }

    /// <summary>The latest state seen for a task, as a fresh meta, or null.</summary>
    public ResultMeta? Latest(string taskId) => _latest.TryGetValue(taskId, out var body) ? RpcResultMessage.Decode(body, taskId) : null;

    /// <summary>Waits for a ready state of the task (returns at once when one was seen).</summary>
    public async ValueTask<ResultMeta> WaitForReadyAsync(string taskId, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        if (ReadyBody(taskId) is { } ready) return RpcResultMessage.Decode(ready, taskId);
        var waiter = _waiters.GetOrAdd(taskId, static _ => new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        // Checked again after registering: a result that arrived in between finds no waiter to wake.
        if (ReadyBody(taskId) is { } arrived) waiter.TrySetResult(arrived);
        var body = await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return RpcResultMessage.Decode(body, taskId);
    }

    /// <summary>Forgets what was seen for a task.</summary>
    public void Forget(string taskId)
    {
        _latest.TryRemove(taskId, out _);
        _latestStatus.TryRemove(taskId, out _);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        await _disposed.CancelAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _channel, null) is { } channel)
        {
            try { await channel.CloseAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is not OutOfMemoryException) { log.LogDebug(e, "Closing the rpc:// reply channel"); }
            channel.Dispose();
        }
        foreach (var waiter in _waiters.Values) waiter.TrySetException(new ObjectDisposedException(nameof(RpcReplyQueue)));
    }

    private byte[]? ReadyBody(string taskId) =>
        _latestStatus.TryGetValue(taskId, out var status) && TaskStates.IsReady(status) && _latest.TryGetValue(taskId, out var body) ? body : null;

    private static object Milliseconds(TimeSpan span)
    {
        var ms = (long)span.TotalMilliseconds;
        return ms <= int.MaxValue ? (object)(int)ms : ms;
    }
}
