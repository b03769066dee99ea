using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// <c>flower_task_runtime_seconds</c> as a Prometheus counter must be: cumulative since this dashboard started, as
/// Flower's is. Each scrape adds the store's rollups of the minutes completed since the last one, so a scrape reads
/// a few minutes of rollups, never the whole history. (Events ingested after their minute was read are not added.)
/// </summary>
internal sealed class RuntimeHistogram(TimeProvider time)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, (long[] Counts, double Sum)> _byTask = new(StringComparer.Ordinal);
    private DateTimeOffset _readUpTo = MinuteOf(time.GetUtcNow());

    /// <summary>Per task name: counts per <see cref="RuntimeBuckets"/> bucket and the run-time sum, up to the last completed minute.</summary>
    public async Task<IReadOnlyDictionary<string, (long[] Counts, double Sum)>> ReadAsync(IDashboardStore store, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var upTo = MinuteOf(time.GetUtcNow());
            if (upTo > _readUpTo)
            {
                foreach (var rollup in await store.GetRollupsAsync(_readUpTo, upTo, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    var (counts, sum) = _byTask.TryGetValue(rollup.TaskName, out var known) ? known : (new long[RuntimeBuckets.UpperBounds.Count], 0);
                    for (var i = 0; i < counts.Length; i++) counts[i] += rollup.RuntimeCounts[i];
                    _byTask[rollup.TaskName] = (counts, sum + rollup.RuntimeSum);
                }
                _readUpTo = upTo;
            }
            return _byTask.ToDictionary(p => p.Key, p => ((long[])p.Value.Counts.Clone(), p.Value.Sum), StringComparer.Ordinal);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static DateTimeOffset MinuteOf(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
}
