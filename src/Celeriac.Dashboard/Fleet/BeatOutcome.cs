namespace Celeriac.Dashboard.Fleet;

/// <summary>The last scheduled run's task and its state in the store (null while the store has not heard of it).</summary>
internal sealed record BeatOutcome(string TaskId, string? State);
