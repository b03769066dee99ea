namespace Celeriac.Dashboard.Store;

/// <summary>
/// One minute of one task name: how many finished, failed and were retried, and their run times as
/// counts per <see cref="RuntimeBuckets"/> bucket — summed over a window they give percentiles.
/// </summary>
/// <param name="Minute">The minute's start (UTC).</param>
/// <param name="TaskName">The task name.</param>
/// <param name="Succeeded">Tasks that succeeded in that minute.</param>
/// <param name="Failed">Tasks that failed.</param>
/// <param name="Retried">Retries.</param>
/// <param name="RuntimeSum">Sum of the run times, seconds.</param>
/// <param name="RuntimeCounts">Counts per bucket of <see cref="RuntimeBuckets.UpperBounds"/>.</param>
public sealed record MinuteRollup(DateTimeOffset Minute, string TaskName, long Succeeded, long Failed, long Retried, double RuntimeSum, IReadOnlyList<long> RuntimeCounts);
