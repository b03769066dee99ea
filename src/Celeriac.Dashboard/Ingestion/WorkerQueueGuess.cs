using Celeriac.Dashboard.Fleet;
using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// Names the queue of a task whose events name none by the one queue its worker consumes. Python's
/// <c>task-received</c> carries no queue, and clients send <c>task-sent</c> (which does) only with
/// <c>task_send_sent_event</c>, so without this the per-queue rollups of most fleets stay empty. A worker on
/// several queues leaves the task's queue unknown; a <c>task-sent</c> or an extended result meta naming the queue
/// wins over the guess (a later non-null field wins in the store). Reads the workers' last <c>inspect</c>, refreshed
/// in the background at most every <see cref="MaxAge"/>, so ingestion never waits on a worker.
/// </summary>
internal sealed class WorkerQueueGuess(WorkerInspection? inspection)
{
    /// <summary>How old the workers' queues may be before a background refresh.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    /// <summary>Sets the queue of every event in <paramref name="tasks"/> that lacks one and whose worker consumes one queue.</summary>
    public void Fill(List<TaskEvent> tasks)
    {
        if (inspection is null) return;
        WorkerSnapshot? snapshot = null;
        var asked = false;
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task.Queue is not null || task.Worker is not { } worker) continue;
            if (!asked) { snapshot = inspection.Peek(MaxAge); asked = true; }
            if (snapshot?.SoleQueueOf(worker) is { } queue) tasks[i] = task with { Queue = queue };
        }
    }
}
