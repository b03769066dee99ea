using Celeriac.RabbitMQ.Connection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// Confirmed publishing on one channel, tracked by us rather than by RabbitMQ.Client: the library's
/// tracking writes an <c>x-dotnet-pub-seq-no</c> header into every message, which Python peers would
/// see among a task's headers. Many publishes wait for their confirm at once (a window of
/// <see cref="AmqpConnection.PublishWindow"/>); each waits at most the confirm timeout. A nack, a
/// mandatory message returned unroutable, a timeout or the channel's loss fails the publish with an
/// exception — never silent loss (docs/architecture.md, RabbitMQ).
/// </summary>
internal sealed class PublishConfirms
{
    private readonly object _lock = new();
    private readonly SortedDictionary<ulong, PendingPublish> _pending = [];
    private readonly ILogger _logger;

    /// <summary>Tracks the confirms of <paramref name="channel"/> (opened with confirms, tracking off).</summary>
    public PublishConfirms(IChannel channel, ILogger logger)
    {
        Channel = channel;
        _logger = logger;
        channel.BasicAcksAsync += OnAcksAsync;
        channel.BasicNacksAsync += OnNacksAsync;
        channel.BasicReturnAsync += OnReturnAsync;
        channel.ChannelShutdownAsync += OnShutdownAsync;
    }

    /// <summary>The channel published on.</summary>
    public IChannel Channel { get; }

    /// <summary>Publishes waiting for the confirm is done; the caller serializes calls of <see cref="StartAsync"/>.</summary>
    public async ValueTask<Task> StartAsync(string exchange, string routingKey, bool mandatory, BasicProperties properties, ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken)
    {
        var sequence = await Channel.GetNextPublishSequenceNumberAsync(cancellationToken).ConfigureAwait(false);
        var pending = new PendingPublish(exchange, routingKey, properties.CorrelationId);
        lock (_lock) _pending[sequence] = pending;
        try
        {
            await Channel.BasicPublishAsync(exchange, routingKey, mandatory, properties, body, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_lock) _pending.Remove(sequence);
            throw;
        }
        return pending.Confirmed.Task;
    }

    private Task OnAcksAsync(object sender, BasicAckEventArgs e)
    {
        foreach (var pending in Take(e.DeliveryTag, e.Multiple))
        {
            if (pending.ReturnedBecause is { } reason)
                pending.Confirmed.TrySetException(new RabbitMqUnroutableException(pending.Exchange, pending.RoutingKey, reason));
            else
                pending.Confirmed.TrySetResult();
        }
        return Task.CompletedTask;
    }

    private Task OnNacksAsync(object sender, BasicNackEventArgs e)
    {
        foreach (var pending in Take(e.DeliveryTag, e.Multiple))
            pending.Confirmed.TrySetException(new RabbitMqPublishException(
                $"The broker refused (nacked) a message for exchange '{pending.Exchange}' key '{pending.RoutingKey}' " +
                "(a full queue with x-overflow=reject-publish, or an internal error); it was not published."));
        return Task.CompletedTask;
    }

    private Task OnReturnAsync(object sender, BasicReturnEventArgs e)
    {
        // The broker sends basic.return before the basic.ack of the same message, so the returned
        // message is the oldest unconfirmed one with its exchange, key and correlation id.
        lock (_lock)
        {
            foreach (var pending in _pending.Values)
            {
                if (pending.ReturnedBecause is null && pending.Exchange == e.Exchange && pending.RoutingKey == e.RoutingKey
                    && pending.CorrelationId == e.BasicProperties.CorrelationId)
                {
                    pending.ReturnedBecause = $"{e.ReplyCode} {e.ReplyText}";
                    return Task.CompletedTask;
                }
            }
        }
        _logger.LogWarning("A message for exchange '{Exchange}' key '{Key}' came back unroutable ({Code} {Reason})", e.Exchange, e.RoutingKey, e.ReplyCode, e.ReplyText);
        return Task.CompletedTask;
    }

    private Task OnShutdownAsync(object sender, ShutdownEventArgs e)
    {
        List<PendingPublish> lost;
        lock (_lock)
        {
            lost = _pending.Values.ToList();
            _pending.Clear();
        }
        foreach (var pending in lost)
            pending.Confirmed.TrySetException(new RabbitMqPublishException(
                $"The channel closed before the broker confirmed a message for '{pending.RoutingKey}' ({e.ReplyCode} {e.ReplyText}); it may or may not have been published."));
        return Task.CompletedTask;
    }

    /// <summary>Forgets a publish whose confirm timed out (a late confirm finds nothing).</summary>
    public void Forget(Task confirmed)
    {
        lock (_lock)
        {
            foreach (var (sequence, pending) in _pending)
            {
                if (pending.Confirmed.Task != confirmed) continue;
                _pending.Remove(sequence);
                return;
            }
        }
    }

    private List<PendingPublish> Take(ulong tag, bool multiple)
    {
        var taken = new List<PendingPublish>();
        lock (_lock)
        {
            if (!multiple)
            {
                if (_pending.Remove(tag, out var one)) taken.Add(one);
                return taken;
            }
            foreach (var (sequence, pending) in _pending)
            {
                if (sequence > tag) break;
                taken.Add(pending);
            }
            foreach (var _ in taken) _pending.Remove(_pending.Keys.First());
        }
        return taken;
    }

    private sealed class PendingPublish(string exchange, string routingKey, string? correlationId)
    {
        public string Exchange { get; } = exchange;
        public string RoutingKey { get; } = routingKey;
        public string? CorrelationId { get; } = correlationId;
        public string? ReturnedBecause { get; set; }
        public TaskCompletionSource Confirmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
