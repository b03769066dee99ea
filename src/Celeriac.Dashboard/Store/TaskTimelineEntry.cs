namespace Celeriac.Dashboard.Store;

/// <summary>One row of a task's timeline.</summary>
/// <param name="State">The state the event reported.</param>
/// <param name="Timestamp">When.</param>
/// <param name="Worker">The worker that raised it, when known.</param>
public sealed record TaskTimelineEntry(string State, DateTimeOffset Timestamp, string? Worker);
