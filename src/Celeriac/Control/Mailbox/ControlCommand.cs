using System.Text.Json.Nodes;

namespace Celeriac.Control.Mailbox;

/// <summary>Runs one remote-control command and returns its reply value (docs/protocol.md §7.5).</summary>
internal delegate ValueTask<JsonNode?> ControlHandler(ControlContext context, ControlArguments arguments, CancellationToken cancellationToken);

/// <summary>
/// One command the worker answers: its name, its handler and whether it ever replies
/// (<c>shutdown</c> never does, as Celery's raises <c>WorkerShutdown</c> before replying).
/// </summary>
internal sealed record ControlCommand(string Name, ControlHandler Handler, bool Replies = true)
{
    /// <summary>A command whose handler needs no waiting.</summary>
    public static ControlCommand Sync(string name, Func<ControlContext, ControlArguments, JsonNode?> handler, bool replies = true) =>
        new(name, (c, a, _) => ValueTask.FromResult(handler(c, a)), replies);

    /// <summary>Celery's <c>{"ok": text}</c>.</summary>
    public static JsonNode Ok(string text) => new JsonObject { ["ok"] = text };

    /// <summary>Celery's <c>{"error": text}</c> (<c>nok</c>).</summary>
    public static JsonNode Error(string text) => new JsonObject { ["error"] = text };
}
