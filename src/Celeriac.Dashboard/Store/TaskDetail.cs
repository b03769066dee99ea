namespace Celeriac.Dashboard.Store;

/// <summary>A task with its state timeline.</summary>
/// <param name="Task">The task.</param>
/// <param name="Timeline">Its events, oldest first.</param>
public sealed record TaskDetail(TaskRecord Task, IReadOnlyList<TaskTimelineEntry> Timeline);
