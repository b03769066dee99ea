using Celeriac.RabbitMQ.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// What a transport shares among its consumers to keep them clear of the broker's
/// <c>consumer_timeout</c>: the options, one channel for declarations, the delay topology and the
/// lease queues. Each consumer gets a <see cref="ConsumerTimeoutGuard"/> of its own.
/// </summary>
internal sealed class DelayServices : IDisposable
{
    private readonly DelayChannel _channel;

    /// <summary>Services for <paramref name="transport"/>.</summary>
    /// <exception cref="FormatException">A transport option is malformed.</exception>
    public DelayServices(RabbitMqTransport transport, ILogger logger)
    {
        Transport = transport;
        Logger = logger;
        Options = DelayOptions.From(transport.Options.BrokerTransportOptions, transport.Options.BrokerNativeDelayedDeliveryQueueType);
        if (!transport.TransportOptions.ConfirmPublish && (Options.DelayedDelivery || Options.Lease))
        {
            // A deferral or lease acks the original once its copy is published: unconfirmed, that copy could be lost.
            Options = Options with { DelayedDelivery = false, Lease = false };
            logger.LogWarning("confirm_publish is off: far ETAs are held unacked and long tasks are not leased, as in Celery; " +
                "RabbitMQ's consumer_timeout may close the channel (the tasks are then delivered again)");
        }
        _channel = new DelayChannel(transport.Connection);
        Delayed = new DelayedDelivery(transport, _channel, Options, logger);
        LeaseQueues = new LeaseQueues(_channel);
    }

    /// <summary>The transport.</summary>
    public RabbitMqTransport Transport { get; }

    /// <summary>The options.</summary>
    public DelayOptions Options { get; }

    /// <summary>The delay topology.</summary>
    public DelayedDelivery Delayed { get; }

    /// <summary>The lease queues.</summary>
    public LeaseQueues LeaseQueues { get; }

    /// <summary>Where the parts log.</summary>
    public ILogger Logger { get; }

    /// <summary>
    /// Where consumed queues are quorum queues, declares the delay topology and binds them at once, as a
    /// Celery 5.5 worker does when it detects quorum queues: Celery 5.5 clients then publish countdowns
    /// for them straight into the topology, and what comes out must find the queue. Failures are
    /// logged, not thrown: consuming goes on, and the first deferral tries again.
    /// </summary>
    public async Task BindQuorumQueuesAsync(IEnumerable<string> queues, CancellationToken cancellationToken)
    {
        if (!Options.DelayedDelivery) return;
        foreach (var queue in queues)
        {
            var arguments = Transport.Topology.ArgumentsFor(Transport.Topology.QueueFor(queue));
            if (arguments is null || !arguments.TryGetValue("x-queue-type", out var type) || !string.Equals(type?.ToString(), "quorum", StringComparison.OrdinalIgnoreCase))
                continue;
            try
            {
                await Delayed.EnsureBoundAsync(queue, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                Logger.LogWarning(e, "Binding quorum queue {Queue} to the delay topology failed; the first far ETA tries again", queue);
            }
        }
    }

    /// <summary>A guard for a new consumer.</summary>
    public ConsumerTimeoutGuard CreateGuard() => new(this);

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
