namespace Celeriac.Dashboard.Ingestion;

/// <summary>What changed in the store since a listener last looked: task ids (at most <see cref="DashboardChanges.MaxTaskIds"/>) and worker hostnames.</summary>
/// <param name="Tasks">Changed task ids, up to the cap.</param>
/// <param name="Workers">Changed workers' hostnames.</param>
/// <param name="At">When the latest change was written.</param>
internal sealed record DashboardChange(IReadOnlyList<string> Tasks, IReadOnlyList<string> Workers, DateTimeOffset At);
