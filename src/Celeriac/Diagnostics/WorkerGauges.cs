using System.Diagnostics.Metrics;
using Celeriac.Worker;

namespace Celeriac.Diagnostics;

/// <summary>
/// The running workers of one app, read by the observable gauges: one measurement per worker, tagged
/// with its node name (<c>celery.hostname</c>), so several workers in one process stay apart and a
/// dashboard sums them when it wants the app's total. Read only when a collector asks.
/// </summary>
internal sealed class WorkerGauges
{
    private readonly object _lock = new();
    private CeleriacWorker[] _workers = [];

    public void Add(CeleriacWorker worker)
    {
        lock (_lock) if (Array.IndexOf(_workers, worker) < 0) _workers = [.. _workers, worker];
    }

    public void Remove(CeleriacWorker worker)
    {
        lock (_lock) _workers = _workers.Where(w => w != worker).ToArray();
    }

    public IEnumerable<Measurement<int>> Read(Func<CeleriacWorker, int> value)
    {
        var workers = Volatile.Read(ref _workers);
        var measurements = new Measurement<int>[workers.Length];
        for (var i = 0; i < workers.Length; i++)
            measurements[i] = new Measurement<int>(value(workers[i]), new KeyValuePair<string, object?>(CeleriacMetrics.Hostname, workers[i].Hostname));
        return measurements;
    }
}
