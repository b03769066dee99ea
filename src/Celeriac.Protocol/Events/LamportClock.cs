namespace Celeriac.Protocol.Events;

/// <summary>
/// Celery's logical clock (docs/protocol.md §6.2): every node keeps one integer, forwards it when it
/// sends an event, a control request or a reply, and adjusts it from the clock of what it receives.
/// Thread-safe.
/// </summary>
internal sealed class LamportClock
{
    private long _value;

    /// <summary>The current value, without moving the clock.</summary>
    public long Value => Interlocked.Read(ref _value);

    /// <summary>Increments and returns the clock (used for everything this node sends).</summary>
    public long Forward() => Interlocked.Increment(ref _value);

    /// <summary>On receipt: the clock becomes <c>max(own, other) + 1</c>, which is returned.</summary>
    public long Adjust(long other)
    {
        while (true)
        {
            var current = Interlocked.Read(ref _value);
            var next = Math.Max(current, other) + 1;
            if (Interlocked.CompareExchange(ref _value, next, current) == current) return next;
        }
    }
}
