using Celeriac.Protocol.Results;
using Celeriac.RabbitMQ.Connection;
using Microsoft.Extensions.Logging;
using Celeriac.RabbitMQ.Transport;
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
    // How long a batch waits for the broker's confirms before the store fails (the transport's default confirm_timeout).
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _channelLock = new(1, 1);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private IChannel? _channel;
    private PublishConfirms? _confirms;

    /// <summary>Sends the metas that have a reply queue; retries once on a fresh channel when the channel was lost.</summary>
    public async ValueTask SendAsync(IReadOnlyList<ResultMeta> metas, CancellationToken cancellationToken)
    {
        List<ResultMeta>? addressed = null;
        foreach (var meta in metas)
            if (!string.IsNullOrEmpty(meta.ReplyTo)) (addressed ??= new(metas.Count)).Add(meta);
        if (addressed is null) return;
        for (var attempt = 1; ; attempt++)
        {
            var confirms = await ConfirmsAsync(cancellationToken).ConfigureAwait(false);
            var channel = confirms.Channel;
            try
            {
                await PublishAllAsync(confirms, addressed, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt == 1 && !channel.IsOpen && ex is not OperationCanceledException)
            {
                log.LogWarning("rpc:// results: the channel was lost while sending ({Reason}); sending again on a new one", ex.Message);
            }
        }
    }

    private async Task PublishAllAsync(PublishConfirms confirms, List<ResultMeta> metas, CancellationToken cancellationToken)
    {
        // Our own confirm tracking (PublishConfirms): the channel is opened with confirms but without
        // the library's tracking, whose x-dotnet-pub-seq-no header Python clients would see. Starts are
        // serialized (sequence numbers must match publish order); the confirms are awaited together.
        var confirmed = new Task[metas.Count];
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var i = 0; i < confirmed.Length; i++)
            {
                var meta = metas[i];
                var properties = new BasicProperties
                {
                    ContentType = RpcResultMessage.ContentType,
                    ContentEncoding = RpcResultMessage.ContentEncoding,
                    CorrelationId = meta.CorrelationId ?? meta.TaskId,
                    DeliveryMode = persistent ? DeliveryModes.Persistent : DeliveryModes.Transient,
                };
                confirmed[i] = await confirms.StartAsync("", meta.ReplyTo!, mandatory: false, properties, RpcResultMessage.Encode(meta), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
        await Task.WhenAll(confirmed).WaitAsync(ConfirmTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<PublishConfirms> ConfirmsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _confirms) is { Channel.IsOpen: true } open) return open;
        await _channelLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_confirms is { Channel.IsOpen: true } again) return again;
            _channel?.Dispose();
            var (channel, _) = await connection.CreateChannelAsync(publisherConfirms: true, cancellationToken).ConfigureAwait(false);
            _channel = channel;
            var confirms = new PublishConfirms(channel, log);
            Volatile.Write(ref _confirms, confirms);
            return confirms;
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
