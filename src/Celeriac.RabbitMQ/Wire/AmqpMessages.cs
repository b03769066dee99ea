using Celeriac.Protocol.Messages;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Wire;

/// <summary>
/// A <see cref="BrokerMessage"/> as AMQP basic properties + body, and back (docs/protocol.md §3.2): the body as
/// is (no envelope, no base64), the protocol v2 headers as application headers, <c>correlation_id</c>,
/// <c>reply_to</c>, <c>delivery_mode</c>, <c>priority</c> (higher is more urgent on RabbitMQ, the
/// reverse of Redis; the value is passed as given) and <c>expiration</c>. Properties beyond AMQP's
/// (<see cref="MessageProperties.Extra"/>) are dropped, as py-amqp drops them.
/// </summary>
internal static class AmqpMessages
{
    /// <summary>The basic properties to publish <paramref name="message"/> with.</summary>
    public static BasicProperties Properties(BrokerMessage message)
    {
        var p = message.Properties;
        var properties = new BasicProperties
        {
            ContentType = message.ContentType,
            ContentEncoding = message.ContentEncoding,
            DeliveryMode = p.DeliveryMode == 1 ? DeliveryModes.Transient : DeliveryModes.Persistent,
            Headers = AmqpHeaders.ToTable(message.Headers),
        };
        if (p.CorrelationId is { } correlation) properties.CorrelationId = correlation;
        if (p.ReplyTo is { } replyTo) properties.ReplyTo = replyTo;
        if (p.Priority is { } priority) properties.Priority = (byte)Math.Clamp(priority, 0, 255);
        if (p.Expiration is { } expiration) properties.Expiration = expiration;
        return properties;
    }

    /// <summary>A received message; the body is copied (the library reuses its buffer after the handler returns).</summary>
    /// <exception cref="InvalidMessageException">A header has a type no Celery header has.</exception>
    public static BrokerMessage Read(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var headers = AmqpHeaders.ToJson(properties.Headers);
        var read = new MessageProperties
        {
            CorrelationId = properties.CorrelationId,
            ReplyTo = properties.ReplyTo,
            DeliveryMode = properties.DeliveryMode == DeliveryModes.Transient ? 1 : 2,
            Priority = properties.IsPriorityPresent() ? properties.Priority : null,
            Expiration = properties.Expiration,
        };
        return new BrokerMessage(headers, read, body.ToArray(), properties.ContentType ?? "", properties.ContentEncoding ?? "");
    }
}
