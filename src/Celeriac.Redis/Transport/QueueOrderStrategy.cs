namespace Celeriac.Redis.Transport;

/// <summary>kombu's <c>queue_order_strategy</c>: in which order a consumer of several queues pops them (docs/protocol.md §2.3, §2.8).</summary>
internal enum QueueOrderStrategy
{
    /// <summary>The queue just popped from moves to the end, so a busy queue cannot starve the others (kombu's default).</summary>
    RoundRobin,

    /// <summary>Alphabetical, fixed: the first queue with messages always wins.</summary>
    Sorted,

    /// <summary>As given, fixed: the first queue with messages always wins.</summary>
    Priority,
}
