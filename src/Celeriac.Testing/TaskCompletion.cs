namespace Celeriac.Testing;

/// <summary>A task the harness saw finish: its id and final state (SUCCESS, FAILURE, …).</summary>
/// <param name="TaskId">Task id.</param>
/// <param name="State">State recorded for it.</param>
public sealed record TaskCompletion(string TaskId, string State);
