namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// One <c>basic.consume</c> of one queue on a consumer's channel: its tag, the per-consumer prefetch
/// it was created with (per-consumer QoS applies to consumers created after <c>basic.qos</c>, so a
/// new prefetch means a new subscription), and how many of its deliveries are unacked — buffered or
/// in the worker's hands — which is what the broker counts against that prefetch.
/// </summary>
internal sealed class ConsumerSubscription
{
    private int _unacked;

    /// <summary>A subscription of <paramref name="queue"/> on <paramref name="link"/> with <paramref name="prefetch"/>.</summary>
    public ConsumerSubscription(ConsumerLink link, string queue, ushort prefetch)
    {
        Link = link;
        Queue = queue;
        Prefetch = prefetch;
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

    /// <summary>A delivery arrived.</summary>
    public void Delivered() => Interlocked.Increment(ref _unacked);

    /// <summary>A delivery was settled on the broker.</summary>
    public void Settled() => Interlocked.Decrement(ref _unacked);

    /// <summary>Whether the broker may send no more to it while the worker wants <paramref name="wanted"/> more.</summary>
    public bool Starves(int wanted) => Prefetch != 0 && Unacked + wanted > Prefetch;
}
