using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>A task as the API shows it (TaskRow of API16.md): in search rows the payloads are cut to 200 characters, in the detail whole.</summary>
internal sealed record TaskRowJson
{
    public const int RowPayload = 200;

    public required string Id { get; init; }
    public string? Name { get; init; }
    public required string State { get; init; }
    public string? Worker { get; init; }
    public string? Queue { get; init; }
    public string? RootId { get; init; }
    public string? ParentId { get; init; }
    public string? GroupId { get; init; }
    public string? Args { get; init; }
    public string? Kwargs { get; init; }
    public string? Result { get; init; }
    public string? Exception { get; init; }
    public string? Traceback { get; init; }
    public double? Runtime { get; init; }
    public int? Retries { get; init; }
    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public DateTimeOffset? Received { get; init; }
    public DateTimeOffset? Started { get; init; }
    public DateTimeOffset? Finished { get; init; }
    public DateTimeOffset? Eta { get; init; }
    public DateTimeOffset? Expires { get; init; }

    /// <summary>The record, its payloads cut to <paramref name="payload"/> characters (null: whole, with the traceback).</summary>
    public static TaskRowJson From(TaskRecord t, int? payload = RowPayload) => new()
    {
        Id = t.Id, Name = t.Name, State = t.State, Worker = t.Worker, Queue = t.Queue, RootId = t.RootId, ParentId = t.ParentId,
        GroupId = t.GroupId, Args = Cut(t.Args, payload), Kwargs = Cut(t.Kwargs, payload), Result = Cut(t.Result, payload),
        Exception = Cut(t.Exception, payload), Traceback = payload is null ? t.Traceback : null, Runtime = t.Runtime, Retries = t.Retries,
        FirstSeen = t.FirstSeen, Updated = t.Updated, Received = t.Received, Started = t.Started, Finished = t.Finished, Eta = t.Eta, Expires = t.Expires,
    };

    private static string? Cut(string? text, int? max) => text is null || max is not { } m || text.Length <= m ? text : text[..m] + "…";
}
