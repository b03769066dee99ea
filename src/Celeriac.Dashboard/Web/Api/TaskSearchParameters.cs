using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// The search's filters, as query parameters (<c>GET api/tasks/search</c>) or as the bulk actions' body — one
/// reading of both, so a bulk action acts on exactly what the search showed.
/// </summary>
internal sealed record TaskSearchParameters
{
    public string? Name { get; init; }
    public string? State { get; init; }
    public string? Worker { get; init; }
    public string? Queue { get; init; }
    public string? Id { get; init; }
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "root_id")]
    public string? RootId { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Q { get; init; }
    public string? Sort { get; init; }
    public string? Order { get; init; }

    /// <summary>The store query, or why the parameters are wrong.</summary>
    public (TaskQuery? Query, string? Error) ToQuery(int limit, string? cursor)
    {
        if (!QueryValues.TryTime(From, out var from)) return (null, "from must be an ISO 8601 time or a Unix timestamp");
        if (!QueryValues.TryTime(To, out var to)) return (null, "to must be an ISO 8601 time or a Unix timestamp");
        TaskSort sort;
        switch (Sort?.ToLowerInvariant())
        {
            case null or "" or "first_seen": sort = TaskSort.FirstSeen; break;
            case "updated": sort = TaskSort.Updated; break;
            case "runtime": sort = TaskSort.Runtime; break;
            case "name": sort = TaskSort.Name; break;
            default: return (null, "sort must be first_seen, updated, runtime or name");
        }
        bool ascending;
        switch (Order?.ToLowerInvariant())
        {
            case null or "" or "desc": ascending = false; break;
            case "asc": ascending = true; break;
            default: return (null, "order must be asc or desc");
        }
        return (new TaskQuery
        {
            Name = Blank(Name), State = Blank(State)?.ToUpperInvariant(), Worker = Blank(Worker), Queue = Blank(Queue), Id = Blank(Id),
            RootId = Blank(RootId), From = from, To = to, Text = Blank(Q), Sort = sort, Ascending = ascending, Limit = limit, Cursor = Blank(cursor),
        }, null);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
