namespace Celeriac.Dashboard.Store;

/// <summary>A task search: every filter set must match; <see cref="Cursor"/> continues a previous page.</summary>
public sealed record TaskQuery
{
    /// <summary>Exact task name.</summary>
    public string? Name { get; init; }
    /// <summary>Exact state.</summary>
    public string? State { get; init; }
    /// <summary>Exact worker hostname.</summary>
    public string? Worker { get; init; }
    /// <summary>Exact queue.</summary>
    public string? Queue { get; init; }
    /// <summary>Exact task id.</summary>
    public string? Id { get; init; }
    /// <summary>Exact root id.</summary>
    public string? RootId { get; init; }
    /// <summary>Exact group id (the members of one group or chord header).</summary>
    public string? GroupId { get; init; }
    /// <summary>First seen at or after.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>First seen before.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>Words that must appear (as a phrase) in args, kwargs, result or exception.</summary>
    public string? Text { get; init; }
    /// <summary>The sort key.</summary>
    public TaskSort Sort { get; init; } = TaskSort.FirstSeen;
    /// <summary>True for ascending; newest (largest) first by default.</summary>
    public bool Ascending { get; init; }
    /// <summary>Page size, 1..1000.</summary>
    public int Limit { get; init; } = 50;
    /// <summary>The <see cref="TaskPage.NextCursor"/> of the previous page.</summary>
    public string? Cursor { get; init; }
}
