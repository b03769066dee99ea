using System.Text.Json.Nodes;
using Celeriac.Control;

namespace Celeriac.Dashboard.Fleet;

/// <summary>Sends a <see cref="WorkerCommand"/> to one worker through <c>app.Control</c> and waits (the control default, 1 s) for its reply.</summary>
internal sealed class WorkerControl(CeleriacApp app, WorkerInspection inspection)
{
    /// <summary>
    /// The worker's reply; null when it did not answer in time. A command that gets no reply (shutdown) returns an
    /// empty object at once. The inspect cache is dropped, so the next page load shows the change.
    /// </summary>
    public async Task<JsonNode?> SendAsync(string hostname, WorkerCommand command, CancellationToken cancellationToken)
    {
        var options = new ControlCallOptions { Destination = [hostname], Reply = command.Replies };
        var replies = await app.Control.BroadcastAsync(command.Method, command.Arguments, options, cancellationToken).ConfigureAwait(false);
        inspection.Invalidate();
        if (!command.Replies) return new JsonObject();
        return replies.TryGetValue(hostname, out var reply) ? reply ?? new JsonObject() : null;
    }
}
