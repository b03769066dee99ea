namespace Celeriac.Dashboard.Store;

/// <summary>
/// What the result backend knows of a finished task beyond its events (<see cref="IDashboardStore.EnrichAsync"/>):
/// the whole result, args and kwargs (with <c>result_extended</c>), its group, parent, queue and name.
/// </summary>
/// <param name="TaskId">The task id.</param>
public sealed record TaskEnrichment(string TaskId) : TaskFields;
