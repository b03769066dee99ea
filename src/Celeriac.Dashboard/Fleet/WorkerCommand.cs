using System.Text.Json.Nodes;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// One control command for one worker, as the worker actions send it (Celery's <c>app.control</c> names and
/// arguments, docs/protocol.md §7): <see cref="WorkerCommands"/> builds them from a request, <see cref="WorkerControl"/> sends them.
/// </summary>
/// <param name="Method">The control method (<c>pool_grow</c>, <c>autoscale</c>, …).</param>
/// <param name="Arguments">Its keyword arguments.</param>
/// <param name="Replies">False for <c>shutdown</c>, which workers never answer.</param>
internal sealed record WorkerCommand(string Method, JsonObject Arguments, bool Replies = true);
