using Celeriac.Protocol.Results;
using Celeriac.RabbitMQ.Connection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Backend;

/// <summary>
/// The worker side of <c>rpc://</c> (docs/protocol.md §3.5): each meta goes to the default exchange with
/// routing key = the request's <c>reply_to</c> and correlation id = the request's correlation id
/// (the task id when it has none), as Celery's <c>RPCBackend.store_result</c>. Nothing is declared
/// (the client declared its queue before sending) and nothing is sent when there is no
/// <c>reply_to</c>. Publishes are confirmed, a batch in flight at once, so a stored result has
/// reached the broker; a result for a queue that no longer exists is dropped by the broker, as in Celery.
/// </summary>
internal sealed class RpcResultSender(AmqpConnection connection, bool persistent, ILogger log) : IAsyncDisposable
{
    private readonly SemaphoreSlim _channelLock = new(1, 1);
    private IChannel? _channel;

    /// <summary>Sends the metas that have a reply queue; retries once on a fresh channel when the channel was lost.</summary>
    public async ValueTask SendAsync(IReadOnlyList<ResultMeta> metas, CancellationToken cancellationToken)
    {
        List<ResultMeta>? addressed = null;
        foreach (var meta in metas)
            if (!string.IsNullOrEmpty(meta.ReplyTo)) (addressed ??= new(metas.Count)).Add(meta);
        if (addressed is null) return;
        for (var attempt = 1; ; attempt++)
        {
            var channel = await ChannelAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await PublishAllAsync(channel, addressed, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt == 1 && !channel.IsOpen && ex is not OperationCanceledException)
            {
                log.LogWarning("rpc:// results: the channel was lost while sending ({Reason}); sending again on a new one", ex.Message);
            }
        }
    }

    private async Task PublishAllAsync(IChannel channel, List<ResultMeta> metas, CancellationToken cancellationToken)
    {
        var sends = new Task[metas.Count];
        for (var i = 0; i < sends.Length; i++)
        {
            var meta = metas[i];
            var properties = new BasicProperties
            {
                ContentType = RpcResultMessage.ContentType,
                ContentEncoding = RpcResultMessage.ContentEncoding,
                CorrelationId = meta.CorrelationId ?? meta.TaskId,
                DeliveryMode = persistent ? DeliveryModes.Persistent : DeliveryModes.Transient,
            };
            sends[i] = channel.BasicPublishAsync("", meta.ReplyTo!, mandatory: false, properties, RpcResultMessage.Encode(meta), cancellationToken).AsTask();
        }
        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    private async ValueTask<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _channel) is { IsOpen: true } open) return open;
        await _channelLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_channel is { IsOpen: true } again) return again;
            _channel?.Dispose();
            var (channel, _) = await connection.CreateChannelAsync(publisherConfirms: true, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _channel, channel);
            return channel;
        }
        finally
        {
            _channelLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _channel, null) is not { } channel) return;
        try { if (channel.IsOpen) await channel.CloseAsync().ConfigureAwait(false); }
        catch (Exception e) when (e is not OutOfMemoryException) { log.LogDebug(e, "Closing the rpc:// result channel"); }
        channel.Dispose();
    }
}
