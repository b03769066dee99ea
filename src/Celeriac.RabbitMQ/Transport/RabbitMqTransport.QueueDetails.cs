using Celeriac.Transport;
using RabbitMQ.Client.Exceptions;

namespace Celeriac.RabbitMQ.Transport;

/// <content>The queue's consumers as the broker counts them (the dashboard's queue page).</content>
internal sealed partial class RabbitMqTransport
{
    /// <summary>
    /// The depth as <see cref="GetQueueDepthAsync"/> counts it, and the consumer count of a passive declare
    /// (every consumer on the broker, Python's too). One queue per name here: no priority split.
    /// </summary>
    public async ValueTask<QueueDetails> GetQueueDetailsAsync(string queue, CancellationToken cancellationToken = default)
    {
        var messages = await GetQueueDepthAsync(queue, cancellationToken).ConfigureAwait(false);
        try
        {
            var declared = await OnDeclareChannelAsync(channel => channel.QueueDeclarePassiveAsync(queue, cancellationToken), cancellationToken).ConfigureAwait(false);
            return new QueueDetails(messages, ByPriority: null, declared.ConsumerCount);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return new QueueDetails(messages, ByPriority: null, Consumers: 0); // no such queue, as GetQueueDepthAsync reads it
        }
    }
}
