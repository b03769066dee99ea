namespace Celeriac.Worker;

/// <summary>
/// The worker's signal stream. Handlers run on the worker's loops and must be quick; a handler
/// that throws is ignored so observing never breaks the worker.
/// </summary>
internal sealed class WorkerSignals
{
    public event Action<WorkerSignal>? Raised;

    public void Raise(WorkerSignal signal)
    {
        var handlers = Raised;
        if (handlers is null) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<WorkerSignal>>())
        {
            try { handler(signal); }
            catch { /* an observer's bug must not stop the worker */ }
        }
    }
}
