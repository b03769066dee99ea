namespace Celeriac.Control;

/// <summary>What <c>inspect query_task</c> says of one task a worker holds.</summary>
/// <param name="State"><c>active</c>, <c>reserved</c> or <c>scheduled</c>.</param>
/// <param name="Request">The task.</param>
public sealed record TaskQueryInfo(string State, TaskRequestInfo Request);
