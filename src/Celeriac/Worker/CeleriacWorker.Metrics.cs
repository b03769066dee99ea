namespace Celeriac.Worker;

/// <content>What the <c>celeriac.worker.*</c> gauges read (Diagnostics/CeleriacMetrics.cs), only when a collector asks.</content>
public sealed partial class CeleriacWorker
{
    /// <summary>Due and waiting: for a slot, or for a rate-limit token (parked, but not for an ETA).</summary>
    internal int ReservedCount => _reserved.Reader.Count + Math.Max(0, _credit.Parked - _etas.Count);

    /// <summary>The prefetch limit now (it follows the pool under autoscale); 0 when unlimited, as Celery's prefetch count.</summary>
    internal int PrefetchCount => Options.PrefetchMultiplier == 0 ? 0 : _credit.Limit;
}
