namespace Celeriac.Dashboard.Store;

/// <summary>
/// The merge of one batch's events for one task, as one upsert: later non-null fields win, the state is
/// the newest event's, first seen the oldest. The SQL upsert applies the same rules against the stored row,
/// so merging here first changes nothing but the number of statements.
/// </summary>
internal sealed class TaskRow(string id, string state, double at)
{
    public readonly string Id = id;
    public string State = state;
    public double StateAt = at, FirstSeen = at, Updated = at;
    public string? Name, Worker, Queue, RootId, ParentId, GroupId, Args, Kwargs, Result, Exception, Traceback;
    public double? Runtime, Eta, Expires, Sent, Received, Started, Finished;
    public int? Retries;

    public static List<TaskRow> Merge(IReadOnlyList<TaskEvent> events, int maxPayload)
    {
        var rows = new Dictionary<string, TaskRow>(StringComparer.Ordinal);
        var order = new List<TaskRow>();
        foreach (var e in events)
        {
            var at = Unix(e.Timestamp);
            if (!rows.TryGetValue(e.TaskId, out var row))
            {
                row = new TaskRow(e.TaskId, e.State, at);
                rows.Add(e.TaskId, row);
                order.Add(row);
            }
            row.Apply(e, at, maxPayload);
        }
        return order;
    }

    private void Apply(TaskEvent e, double at, int maxPayload)
    {
        if (at >= StateAt && Moves(State, e.State)) { State = e.State; StateAt = at; }
        FirstSeen = Math.Min(FirstSeen, at);
        Updated = Math.Max(Updated, at);
        Name = e.Name ?? Name;
        Worker = e.Worker ?? Worker;
        Queue = e.Queue ?? Queue;
        RootId = e.RootId ?? RootId;
        ParentId = e.ParentId ?? ParentId;
        GroupId = e.GroupId ?? GroupId;
        Args = Cut(e.Args, maxPayload) ?? Args;
        Kwargs = Cut(e.Kwargs, maxPayload) ?? Kwargs;
        Result = Cut(e.Result, maxPayload) ?? Result;
        Exception = Cut(e.Exception, maxPayload) ?? Exception;
        Traceback = Cut(e.Traceback, maxPayload) ?? Traceback;
        Runtime = e.Runtime ?? Runtime;
        Retries = e.Retries ?? Retries;
        Eta = e.Eta is { } eta ? Unix(eta) : Eta;
        Expires = e.Expires is { } exp ? Unix(exp) : Expires;
        switch (e.State)
        {
            case "PENDING": Sent = at; break;
            case "RECEIVED": Received = at; break;
            case "STARTED": Started = at; break;
            case "SUCCESS" or "FAILURE" or "REVOKED" or "REJECTED": Finished = at; break;
        }
    }

    /// <summary>
    /// Whether a newer event's state replaces the current one. task-sent (PENDING) is stamped by the client after it
    /// publishes, so it often carries a later time than the worker's task-received: it never replaces a worker's state.
    /// </summary>
    public static bool Moves(string current, string next) => next != "PENDING" || current == "PENDING";

    private static string? Cut(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..max];

    public static double Unix(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    public static DateTimeOffset FromUnix(double seconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
}
