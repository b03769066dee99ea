namespace Celeriac.Dashboard.Store;

/// <summary>One page of tasks.</summary>
/// <param name="Tasks">The tasks, in order.</param>
/// <param name="NextCursor">Pass as <see cref="TaskQuery.Cursor"/> for the next page; null on the last.</param>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, string? NextCursor);
