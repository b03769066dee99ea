namespace Celeriac.Testing;

/// <summary>A timer of a <see cref="VirtualClock"/>: fires when the clock is advanced past its due time.</summary>
internal sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state) : ITimer
{
    public DateTimeOffset? Due { get; set; }

    public TimeSpan Period { get; set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        VirtualClock.CheckSpan(dueTime, nameof(dueTime));
        VirtualClock.CheckSpan(period, nameof(period));
        clock.Arm(this, dueTime, period);
        return true;
    }

    public void Fire() => callback(state);

    public void Dispose() => clock.Remove(this);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
