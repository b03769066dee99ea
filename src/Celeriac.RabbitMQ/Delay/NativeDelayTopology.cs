using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// Celery 5.5's native delayed delivery topology, declared exactly as kombu's
/// <c>native_delayed_delivery</c> declares it so Celery ≥ 5.5 workers and Celeriac share it without a
/// 406 (docs/architecture.md, RabbitMQ): for each level L = 27…0 a durable topic exchange
/// <c>celery_delayed_L</c> and a durable queue of the same name (<c>x-queue-type</c>,
/// <c>x-overflow: reject-publish</c>, <c>x-message-ttl: 2^L·1000</c>, dead-lettering to level L−1's
/// exchange, level 0 to <c>celery_delayed_delivery</c>; quorum queues add
/// <c>x-dead-letter-strategy: at-least-once</c>) bound with <c>*.</c>×(27−L)<c>1.#</c>; level L−1's
/// exchange bound to level L's with <c>*.</c>×(27−L)<c>0.#</c>; the topic exchange
/// <c>celery_delayed_delivery</c> bound to level 0's with <c>*.</c>×27<c>0.#</c>. A task queue receives
/// what comes out through a binding of its own to <c>celery_delayed_delivery</c> with <c>#.key</c>.
/// </summary>
internal static class NativeDelayTopology
{
    /// <summary>The exchange messages leave the topology by.</summary>
    public const string DeliveryExchange = "celery_delayed_delivery";

    /// <summary>The exchange messages enter by: the highest level.</summary>
    public static string EntryExchange => LevelName(DelayRoutingKey.Bits - 1);

    /// <summary>Level <paramref name="level"/>'s exchange and queue.</summary>
    public static string LevelName(int level) => $"celery_delayed_{level}";

    /// <summary>The arguments of level <paramref name="level"/>'s queue for <paramref name="queueType"/> (quorum or classic).</summary>
    public static Dictionary<string, object?> QueueArguments(int level, string queueType)
    {
        long ttl = (1L << level) * 1000;
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["x-queue-type"] = queueType,
            ["x-overflow"] = "reject-publish",
            // py-amqp writes an int that fits 32 bits as such, a larger one as 64 bits; RabbitMQ compares the value.
            ["x-message-ttl"] = ttl <= int.MaxValue ? (int)ttl : ttl,
            ["x-dead-letter-exchange"] = level > 0 ? LevelName(level - 1) : DeliveryExchange,
        };
        if (queueType == "quorum") arguments["x-dead-letter-strategy"] = "at-least-once";
        return arguments;
    }

    /// <summary>The binding key of level <paramref name="level"/>'s queue to its exchange.</summary>
    public static string QueueBindingKey(int level) => Wildcards(DelayRoutingKey.Bits - 1 - level) + "1.#";

    /// <summary>The binding key of level <paramref name="level"/> − 1's exchange (or, at 0, the delivery exchange) to level <paramref name="level"/>'s.</summary>
    public static string PassOnBindingKey(int level) => Wildcards(DelayRoutingKey.Bits - 1 - level) + "0.#";

    /// <summary>A task queue's binding key to <see cref="DeliveryExchange"/> (kombu keeps a key that starts with <c>#</c>).</summary>
    public static string DeliveryBindingKey(string routingKey) => routingKey.StartsWith('#') ? routingKey : "#." + routingKey;

    /// <summary>Declares every exchange, queue and binding of the topology.</summary>
    public static async Task DeclareAsync(IChannel channel, string queueType, CancellationToken cancellationToken)
    {
        for (var level = DelayRoutingKey.Bits - 1; level >= 0; level--)
        {
            var name = LevelName(level);
            await channel.ExchangeDeclareAsync(name, ExchangeType.Topic, durable: true, autoDelete: false, arguments: null,
                passive: false, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: QueueArguments(level, queueType),
                passive: false, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(name, name, QueueBindingKey(level), arguments: null, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        for (var level = DelayRoutingKey.Bits - 1; level >= 1; level--)
            await channel.ExchangeBindAsync(LevelName(level - 1), LevelName(level), PassOnBindingKey(level), arguments: null,
                noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(DeliveryExchange, ExchangeType.Topic, durable: true, autoDelete: false, arguments: null,
            passive: false, noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeBindAsync(DeliveryExchange, LevelName(0), PassOnBindingKey(0), arguments: null,
            noWait: false, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Binds <paramref name="queue"/> to <see cref="DeliveryExchange"/> with <c>#.</c><paramref name="routingKey"/>,
    /// directly (kombu binds the queue's exchange instead, which a direct exchange cannot be). Where a
    /// Celery 5.5 worker bound the exchange too, the message still reaches the queue once: RabbitMQ
    /// delivers one copy per queue however many routes lead to it.
    /// </summary>
    public static Task BindQueueAsync(IChannel channel, string queue, string routingKey, CancellationToken cancellationToken) =>
        channel.QueueBindAsync(queue, DeliveryExchange, DeliveryBindingKey(routingKey), arguments: null, noWait: false, cancellationToken: cancellationToken);

    private static string Wildcards(int count) => string.Concat(Enumerable.Repeat("*.", count));
}
