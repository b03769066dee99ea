namespace Celeriac.Dashboard.Store;

/// <summary>
/// One task event as the store keeps it: the state it reports (Celery's names: <c>PENDING</c> for sent,
/// <c>RECEIVED</c>, <c>STARTED</c>, <c>SUCCESS</c>, <c>FAILURE</c>, <c>RETRY</c>, <c>REVOKED</c>,
/// <c>REJECTED</c>), when, and the fields it carries; a null field says nothing about the task.
/// </summary>
/// <param name="TaskId">The task id.</param>
/// <param name="State">The state the event reports.</param>
/// <param name="Timestamp">When the worker (or client) raised it.</param>
public sealed record TaskEvent(string TaskId, string State, DateTimeOffset Timestamp) : TaskFields;
