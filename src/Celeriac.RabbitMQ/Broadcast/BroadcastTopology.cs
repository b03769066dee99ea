namespace Celeriac.RabbitMQ.Broadcast;

/// <summary>An exchange as Celery 5.2.6 declares it: its name, AMQP type and durability (never auto-delete).</summary>
/// <param name="Name">Exchange name.</param>
/// <param name="Type"><c>topic</c>, <c>fanout</c> or <c>direct</c>.</param>
/// <param name="Durable">Whether it survives a broker restart.</param>
internal sealed record BroadcastExchange(string Name, string Type, bool Durable);

/// <summary>
/// What Celery 5.2.6 declares for events and remote control on AMQP (docs/protocol.md §3.1, §3.6, §3.7),
/// with the same types, flags and arguments, so a Python peer and a Celeriac peer in one virtual
/// host never get 406 PRECONDITION_FAILED from each other's declarations:
/// <list type="bullet">
/// <item><c>celeryev</c>: topic, durable; receiver queues <c>celeryev.&lt;uuid&gt;</c>: not durable, auto-delete,
/// <c>x-message-ttl</c> 5000, <c>x-expires</c> 60000 (<c>event_queue_ttl</c>, <c>event_queue_expires</c>).</item>
/// <item><c>celery.pidbox</c>: fanout, not durable; node queues <c>&lt;node&gt;.celery.pidbox</c>: not durable,
/// auto-delete, <c>x-message-ttl</c> 300000, <c>x-expires</c> 10000 (<c>control_queue_ttl</c>, <c>control_queue_expires</c>).</item>
/// <item><c>reply.celery.pidbox</c>: direct, not durable; reply queues <c>&lt;oid&gt;.reply.celery.pidbox</c> as node queues.</item>
/// </list>
/// The broadcast seam names only the exchange, so its kind follows from the name; other names
/// (tests, custom exchanges) are topic for fanout use and direct for direct use, not durable.
/// </summary>
internal static class BroadcastTopology
{
    /// <summary>Celery's event exchange (<c>event_exchange</c>).</summary>
    public const string EventExchange = "celeryev";

    /// <summary><c>event_queue_ttl</c> (5.0 s) in milliseconds, as kombu converts it.</summary>
    public const int EventQueueTtl = 5000;

    /// <summary><c>event_queue_expires</c> (60.0 s) in milliseconds.</summary>
    public const int EventQueueExpires = 60000;

    /// <summary><c>control_queue_ttl</c> (300 s) in milliseconds; the reply queue uses it too.</summary>
    public const int ControlQueueTtl = 300000;

    /// <summary><c>control_queue_expires</c> (10 s) in milliseconds; the reply queue uses it too.</summary>
    public const int ControlQueueExpires = 10000;

    /// <summary>The exchange a fanout publish or subscription uses.</summary>
    public static BroadcastExchange Fanout(string exchange) =>
        exchange switch
        {
            EventExchange => new(exchange, "topic", Durable: true),
            _ when IsReplyExchange(exchange) => Direct(exchange),
            _ when exchange.EndsWith(".pidbox", StringComparison.Ordinal) => new(exchange, "fanout", Durable: false),
            _ => new(exchange, "topic", Durable: false),
        };

    /// <summary>The exchange a direct send or reply queue uses (kombu's <c>_get_reply_exchange</c>: direct, not durable).</summary>
    public static BroadcastExchange Direct(string exchange) => new(exchange, "direct", Durable: false);

    /// <summary>
    /// The key a queue is bound with. The seam's <c>""</c> means "everything": fanout ignores keys and a
    /// direct binding is exact, but a topic exchange routes <c>""</c> only to <c>""</c>, so it becomes <c>#</c>.
    /// </summary>
    public static string BindingKey(BroadcastExchange exchange, string bindingKey) =>
        bindingKey.Length == 0 && exchange.Type == "topic" ? "#" : bindingKey;

    /// <summary>
    /// The arguments of a queue bound to <paramref name="exchange"/>: event receiver TTLs on a topic
    /// exchange, mailbox TTLs on the pidbox fanout and the reply exchange. Integers, as kombu sends them.
    /// </summary>
    public static Dictionary<string, object?> QueueArguments(BroadcastExchange exchange) =>
        exchange.Type == "topic"
            ? new(StringComparer.Ordinal) { ["x-message-ttl"] = EventQueueTtl, ["x-expires"] = EventQueueExpires }
            : new(StringComparer.Ordinal) { ["x-message-ttl"] = ControlQueueTtl, ["x-expires"] = ControlQueueExpires };

    private static bool IsReplyExchange(string exchange) =>
        exchange.StartsWith("reply.", StringComparison.Ordinal) && exchange.EndsWith(".pidbox", StringComparison.Ordinal);
}
