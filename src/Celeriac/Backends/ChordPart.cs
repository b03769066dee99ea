using System.Text.Json.Nodes;

namespace Celeriac.Backends;

/// <summary>One finished chord header part as the join stores it: <c>[1, task_id, state, result]</c>.</summary>
/// <param name="TaskId">The header task's id.</param>
/// <param name="State">SUCCESS, FAILURE or REVOKED.</param>
/// <param name="Result">Its return value, or its exception object.</param>
internal sealed record ChordPart(string TaskId, string State, JsonNode? Result);
