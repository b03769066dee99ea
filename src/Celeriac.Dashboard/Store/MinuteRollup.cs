namespace Celeriac.Dashboard.Store;

/// <summary>
/// One minute of one task name on one queue: how many were received, finished, failed and were retried, their
/// run times and queue waits as counts per <see cref="RuntimeBuckets"/> bucket — summed over a window (and over
/// names for a queue's view, over queues for a task's) they give percentiles.
/// </summary>
/// <param name="Minute">The minute's start (UTC).</param>
/// <param name="TaskName">The task name.</param>
/// <param name="Succeeded">Tasks that succeeded in that minute.</param>
/// <param name="Failed">Tasks that failed.</param>
/// <param name="Retried">Retries.</param>
/// <param name="RuntimeSum">Sum of the run times, seconds.</param>
/// <param name="RuntimeCounts">Run times: counts per bucket of <see cref="RuntimeBuckets.UpperBounds"/>.</param>
/// <param name="Queue">The queue the tasks came from; null when no event or record named it.</param>
/// <param name="Received">Tasks received by a worker in that minute.</param>
/// <param name="WaitSum">Sum of the queue waits of tasks started in that minute (started − sent, or − received without task-sent), seconds.</param>
/// <param name="WaitCounts">Queue waits: counts per bucket of <see cref="RuntimeBuckets.UpperBounds"/>.</param>
public sealed record MinuteRollup(
    DateTimeOffset Minute, string TaskName, long Succeeded, long Failed, long Retried, double RuntimeSum, IReadOnlyList<long> RuntimeCounts,
    string? Queue, long Received, double WaitSum, IReadOnlyList<long> WaitCounts);
