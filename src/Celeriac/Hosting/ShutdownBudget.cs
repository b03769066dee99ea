using Celeriac.Worker;

namespace Celeriac.Hosting;

/// <summary>
/// Fits a worker's stop stages into the host's shutdown timeout: the host stops waiting (and
/// disposes the app) when it ends, so the warm wait and the cancel grace must end before it, leaving
/// room for the cold stage (requeue the abandoned, flush results and acks, close the consumer).
/// </summary>
internal static class ShutdownBudget
{
    /// <summary>The share of the host's timeout kept for the cold stage: a tenth, between 100 ms and 2 s.</summary>
    public static TimeSpan Reserve(TimeSpan host) =>
        TimeSpan.FromTicks(Math.Clamp(host.Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(2).Ticks));

    /// <summary>Caps <see cref="WorkerOptions.ShutdownTimeout"/> and <see cref="WorkerOptions.CancelGracePeriod"/> so both fit in <paramref name="host"/>.</summary>
    public static void Fit(WorkerOptions worker, TimeSpan host)
    {
        // An infinite (or timer-unrepresentable) host timeout waits for whatever the worker asks.
        if (host == Timeout.InfiniteTimeSpan || host > ClockAlarm.MaxTimerWait) return;
        var available = host - Reserve(host);
        if (available < TimeSpan.Zero) available = TimeSpan.Zero;
        // The grace gets at most a fifth of what is left, so the warm stage (the one that finishes work) keeps most of it.
        var grace = Min(worker.CancelGracePeriod, available / 5);
        worker.CancelGracePeriod = grace;
        worker.ShutdownTimeout = Min(worker.ShutdownTimeout, available - grace);
    }

    private static TimeSpan Min(TimeSpan wanted, TimeSpan cap) =>
        wanted == Timeout.InfiniteTimeSpan || wanted > cap ? cap : wanted;
}
