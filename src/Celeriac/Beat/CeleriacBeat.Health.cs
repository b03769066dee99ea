namespace Celeriac.Beat;

/// <content>
/// What the beat health check reads (docs/architecture.md, Hosting): when the loop last finished a
/// cycle (it wakes at least every lease renew interval), and the error of the last cycle if it failed.
/// </content>
public sealed partial class CeleriacBeat
{
    private long _lastCycle;
    private volatile string? _lastCycleError;

    private void CycleSucceeded()
    {
        Volatile.Write(ref _lastCycle, Clock.GetUtcNow().UtcTicks);
        _lastCycleError = null;
    }

    private void CycleFailed(Exception error) => _lastCycleError = error.Message;

    /// <summary>The loop's state now, for the beat health check.</summary>
    internal BeatHealth Health()
    {
        var last = Volatile.Read(ref _lastCycle);
        bool stopped;
        lock (_lifecycle) stopped = _stopped is not null;
        var running = _starting is { IsCompletedSuccessfully: true } && !_loop.IsCompleted;
        return new BeatHealth(running, stopped, IsPublisher, last == 0 ? null : new DateTimeOffset(last, TimeSpan.Zero), _lastCycleError);
    }
}
