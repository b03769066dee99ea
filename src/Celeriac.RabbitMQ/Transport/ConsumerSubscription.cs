using System.Runtime.CompilerServices;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// One <c>basic.consume</c> of one queue on a consumer's channel: its tag, the per-consumer prefetch
/// it was created with (per-consumer QoS applies to consumers created after <c>basic.qos</c>, so a
/// new prefetch means a new subscription), and how many of its deliveries are unacked — buffered or
/// in the worker's hands — which is what the broker counts against that prefetch.
/// </summary>
internal sealed class ConsumerSubscription
{
    private readonly StrongBox<int> _queueUnacked;
    private int _unacked;

    /// <summary>
    /// A subscription of <paramref name="queue"/> on <paramref name="link"/> with <paramref name="prefetch"/>;
    /// <paramref name="replaces"/> is the one of the same queue and channel it takes over from (a prefetch change),
    /// whose deliveries still count for the queue.
    /// </summary>
    public ConsumerSubscription(ConsumerLink link, string queue, ushort prefetch, ConsumerSubscription? replaces = null)
    {
        Link = link;
        Queue = queue;
        Prefetch = prefetch;
        _queueUnacked = replaces is not null && ReferenceEquals(replaces.Link, link) ? replaces._queueUnacked : new StrongBox<int>();
    }

    /// <summary>The channel incarnation it consumes on.</summary>
    public ConsumerLink Link { get; }

    /// <summary>The queue it consumes.</summary>
    public string Queue { get; }

    /// <summary>Its per-consumer prefetch (0 = unlimited).</summary>
    public ushort Prefetch { get; }

    /// <summary>The consumer tag the broker gave it.</summary>
    public string Tag { get; set; } = "";

    /// <summary>True once we cancelled it ourselves (a prefetch change, cancel_consumer, close): not a broker cancel.</summary>
    public bool CancelledByUs { get; set; }

    /// <summary>Deliveries of this subscription not acked, rejected or requeued yet.</summary>
    public int Unacked => Volatile.Read(ref _unacked);

    /// <summary>Unacked deliveries of its queue on its channel, this and the subscriptions it replaced together.</summary>
    public int QueueUnacked => Volatile.Read(ref _queueUnacked.Value);

    /// <summary>A delivery arrived.</summary>
    public void Delivered()
    {
        Interlocked.Increment(ref _unacked);
        Interlocked.Increment(ref _queueUnacked.Value);
    }

    /// <summary>A delivery was settled on the broker.</summary>
    public void Settled()
    {
        Interlocked.Decrement(ref _unacked);
        Interlocked.Decrement(ref _queueUnacked.Value);
    }

    /// <summary>Whether the broker may send no more to it while the worker wants <paramref name="wanted"/> more.</summary>
    public bool Starves(int wanted) => Prefetch != 0 && Unacked + wanted > Prefetch;

    /// <summary>The prefetch a subscription replacing this one gets: room for all its queue's unacked deliveries and <paramref name="wanted"/> more.</summary>
    public int Needed(int wanted, int basePrefetch) => Math.Max(basePrefetch, QueueUnacked + wanted);

    /// <summary>
    /// Whether its prefetch is more than twice what the worker needs now (<paramref name="basePrefetch"/>,
    /// or its queue's unacked plus <paramref name="wanted"/> if more): raised for parked deliveries that have
    /// run since, it would let the broker push far more than the worker will take — memory here, and
    /// messages other workers could run.
    /// </summary>
    public bool Oversized(int wanted, int basePrefetch) => Prefetch != 0 && Prefetch > 2 * Needed(wanted, basePrefetch);
}
