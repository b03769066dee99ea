using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <summary>
/// Work the worker starts without awaiting it where it starts (an expired chord part's revoke,
/// which waits for the chord join while the fetch loop moves on). Each is tracked until it ends,
/// its fault is logged instead of going unobserved, and shutdown awaits them all before it flushes
/// and closes the consumer, so none settles a message into a worker that has already stopped.
/// </summary>
internal sealed class BackgroundWork(ILogger log)
{
    private readonly ConcurrentDictionary<Task, string> _running = new();

    /// <summary>Work started and not yet ended.</summary>
    public int Count => _running.Count;

    /// <summary>Tracks <paramref name="work"/>, described by <paramref name="what"/> in the log if it fails.</summary>
    public void Track(Task work, string what)
    {
        _running[work] = what;
        _ = work.ContinueWith(
            static (t, state) =>
            {
                var (self, what) = ((BackgroundWork, string))state!;
                self._running.TryRemove(t, out _);
                if (t.Exception is { } ex) self.Log(ex.GetBaseException(), what);
            },
            (this, what),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Waits until all tracked work has ended, including work started while waiting.</summary>
    public async Task WhenIdleAsync()
    {
        while (true)
        {
            // An ended one may still be listed for a moment (its continuation removes it): not waited for.
            var pending = _running.Keys.Where(t => !t.IsCompleted).ToArray();
            if (pending.Length == 0) return;
            // Faults are logged by Track's continuation; here they only mean "ended".
            await Task.WhenAll(pending).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private void Log(Exception ex, string what) => log.LogError(ex, "Background work failed: {What}", what);
}
