namespace Celeriac.Protocol.Messages;

/// <summary>
/// AMQP-style basic properties of a message (docs/protocol.md §1.2). On Redis they live in the envelope's
/// <c>properties</c>; on RabbitMQ they are the real basic properties.
/// </summary>
internal sealed class MessageProperties
{
    /// <summary>The task id for task messages; used by the rpc backend and logs.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>The producer's per-process id (Celery's "oid"); the rpc backend's reply queue.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>2 = persistent (tasks, control requests), 1 = transient (events, replies).</summary>
    public int DeliveryMode { get; set; } = 2;

    /// <summary>Message priority 0–9; null when none was requested (kombu writes 0).</summary>
    public int? Priority { get; set; }

    /// <summary>Remaining lifetime in milliseconds as a decimal string; only when the task expires.</summary>
    public string? Expiration { get; set; }

    /// <summary>
    /// Properties beyond the standard ones, kept as read and written after them. Python workers put
    /// some send options here when they re-publish (<c>origin</c>, <c>replaced_task_nesting</c> on
    /// retries, docs/protocol.md Appendix A.2).
    /// </summary>
    public System.Text.Json.Nodes.JsonObject? Extra { get; set; }

    /// <summary>A copy safe to change independently.</summary>
    public MessageProperties Clone()
    {
        var copy = (MessageProperties)MemberwiseClone();
        copy.Extra = (System.Text.Json.Nodes.JsonObject?)Extra?.DeepClone();
        return copy;
    }
}
