using System.Globalization;
using Celeriac.Transport;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// The queues page: every queue a worker consumes (its <c>active_queues</c>), the app's configured ones and the
/// default queue, with depth (per priority on Redis) and consumers read through the transport.
/// </summary>
internal static class QueueView
{
    /// <summary>The names to show, sorted: the workers' queues, the app's queues, and <paramref name="seen"/> (the store's).</summary>
    public static IReadOnlyList<string> Names(CeleriacApp app, WorkerSnapshot? live, IEnumerable<string> seen)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal) { app.Options.DefaultQueue };
        foreach (var queue in app.Options.TaskQueues) names.Add(queue.Name);
        foreach (var name in seen) names.Add(name);
        if (live is not null)
            foreach (var node in live.Workers.Keys)
                foreach (var queue in live.QueuesOf(node) ?? []) names.Add(queue);
        // Reply queues of remote control (<uuid>.reply.celery.pidbox) are auto-deleted plumbing, not work queues.
        names.RemoveWhere(n => n.EndsWith(".celery.pidbox", StringComparison.Ordinal) || n.StartsWith("celeryev.", StringComparison.Ordinal));
        return names.ToList();
    }

    public static async Task<IReadOnlyList<QueueRow>> RowsAsync(CeleriacApp app, WorkerSnapshot? live, IEnumerable<string> seen,
        Func<string, (double? In, double? Out)> rates, CancellationToken cancellationToken)
    {
        var names = Names(app, live, seen);
        var details = await Task.WhenAll(names.Select(n => DetailsAsync(app, n, cancellationToken))).ConfigureAwait(false);
        var rows = new List<QueueRow>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            var workers = live is null ? [] : live.Workers.Keys.Where(w => live.QueuesOf(w)?.Contains(names[i], StringComparer.Ordinal) == true).Order(StringComparer.Ordinal).ToList();
            var priorities = details[i].ByPriority?.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value);
            var (rateIn, rateOut) = rates(names[i]);
            rows.Add(new QueueRow(names[i], details[i].Messages, priorities, details[i].Consumers ?? workers.Count, workers, rateIn, rateOut));
        }
        return rows;
    }

    /// <summary>The transport's details where it has them (<see cref="IQueueDetails"/>), else the plain depth.</summary>
    public static async Task<QueueDetails> DetailsAsync(CeleriacApp app, string queue, CancellationToken cancellationToken) =>
        app.Transport is IQueueDetails details
            ? await details.GetQueueDetailsAsync(queue, cancellationToken).ConfigureAwait(false)
            : new QueueDetails(await app.Transport.GetQueueDepthAsync(queue, cancellationToken).ConfigureAwait(false), null, null);
}
