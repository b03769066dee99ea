using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Results;

/// <summary>The fields <c>result_extended=True</c> adds to result meta (docs/protocol.md §4.2).</summary>
/// <param name="Name">Task name.</param>
/// <param name="Args">Positional arguments.</param>
/// <param name="Kwargs">Keyword arguments.</param>
/// <param name="Worker">Node name of the worker that ran it.</param>
/// <param name="Retries">Retries performed.</param>
/// <param name="Queue">The routing key it was delivered with.</param>
public sealed record ExtendedResultFields(string? Name, JsonArray? Args, JsonObject? Kwargs, string? Worker, int? Retries, string? Queue);
