using Celeriac.Protocol.Results;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Celeriac.RabbitMQ.Backend;

/// <content>What arrives on the reply queue, and losing the channel.</content>
internal sealed partial class RpcReplyQueue
{
    private Task OnDeliveryAsync(BasicDeliverEventArgs delivery)
    {
        var properties = delivery.BasicProperties;
        if (properties.Type == SyncType)
        {
            if (long.TryParse(properties.MessageId, out var id) && _syncs.TryGetValue(id, out var seen)) seen.TrySetResult();
            return Task.CompletedTask;
        }
        // The body is the library's buffer, valid only during this call.
        var body = delivery.Body.ToArray();
        ResultMeta meta;
        try
        {
            meta = RpcResultMessage.Decode(body, properties.CorrelationId);
        }
        catch (FormatException e)
        {
            log.LogError("rpc:// reply queue {Queue}: dropped a message that is not a result ({Reason}), correlation id {CorrelationId}",
                name, e.Message, properties.CorrelationId);
            return Task.CompletedTask;
        }
        Apply(properties.CorrelationId ?? meta.TaskId, meta.Status, body);
        return Task.CompletedTask;
    }

    // The latest state per task, except that a SUCCESS is final (docs/protocol.md §4.2): a redelivered duplicate's
    // later states do not replace it. Deliveries come one at a time from the channel's dispatcher.
    private void Apply(string taskId, string status, byte[] body)
    {
        if (_latestStatus.TryGetValue(taskId, out var current) && current == TaskStates.Success) return;
        _latest[taskId] = body;
        _latestStatus[taskId] = status;
        if (TaskStates.IsReady(status) && _waiters.TryRemove(taskId, out var waiter)) waiter.TrySetResult(body);
    }

    // The queue is auto-delete: once its consumer is gone the broker deletes it, and results sent meanwhile are
    // dropped (as with Celery). It is declared and consumed again in the background, so waiters resume.
    private Task OnChannelLostAsync(IChannel channel, ShutdownEventArgs e)
    {
        if (_disposed.IsCancellationRequested) return Task.CompletedTask;
        Interlocked.CompareExchange(ref _channel, null, channel);
        log.LogWarning("rpc:// reply queue {Queue}: channel lost ({Reason}); consuming again", name, e.ReplyText);
        _ = Task.Run(ResumeAsync);
        return Task.CompletedTask;
    }

    private async Task ResumeAsync()
    {
        for (var delay = TimeSpan.FromMilliseconds(200); !_disposed.IsCancellationRequested; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks)))
        {
            try
            {
                await EnsureAsync(_disposed.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (_disposed.IsCancellationRequested) return;
                log.LogWarning("rpc:// reply queue {Queue}: cannot consume yet ({Reason}); retrying in {Delay}", name, ex.Message, delay);
                try { await Task.Delay(delay, _disposed.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
