using Celeriac.RabbitMQ.Transport;
using Celeriac.Transport;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// One unsettled delivery as the lease keeper sees it: since when it is held unacked, and once
/// leased, the lease queue holding its copy. <see cref="Stage"/> changes under <see cref="Gate"/>; while
/// a lease is being taken or renewed (<see cref="LeaseStage.Busy"/>), a settlement waits for it.
/// </summary>
internal sealed class DeliveryLease(TransportDelivery delivery, RabbitMqDeliveryState state, long heldSince)
{
    /// <summary>Guards <see cref="Stage"/>, <see cref="QueueName"/> and <see cref="Idle"/>.</summary>
    public object Gate { get; } = new();

    /// <summary>The delivery (the worker may hold a later copy of it after a local restore; the state is the same).</summary>
    public TransportDelivery Delivery { get; } = delivery;

    /// <summary>Its channel, tag and subscription.</summary>
    public RabbitMqDeliveryState State { get; } = state;

    /// <summary>When it was delivered (<see cref="Environment.TickCount64"/>).</summary>
    public long HeldSince { get; } = heldSince;

    /// <summary>Where it is.</summary>
    public LeaseStage Stage { get; set; } = LeaseStage.Held;

    /// <summary>The lease queue holding its copy, once leased.</summary>
    public string? QueueName { get; set; }

    /// <summary>When the current lease's copy goes back to the queue (<see cref="Environment.TickCount64"/>).</summary>
    public long LeasedUntil { get; set; }

    /// <summary>Completes when a lease or renewal in progress is done.</summary>
    public Task Idle { get; set; } = Task.CompletedTask;
}

/// <summary>Where a tracked delivery is.</summary>
internal enum LeaseStage
{
    /// <summary>Unacked on its channel.</summary>
    Held,

    /// <summary>A lease is being taken or renewed.</summary>
    Busy,

    /// <summary>Acked on its channel; its copy waits in a lease queue.</summary>
    Leased,

    /// <summary>Settled, or given up (its channel closed and the broker has it back).</summary>
    Done,
}
