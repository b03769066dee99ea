using System.Text.Json.Nodes;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary>Inspect commands about the worker itself: <c>ping</c>, <c>clock</c>, <c>hello</c> (mingle), <c>stats</c>.</summary>
internal static class WorkerInspectCommands
{
    public static IEnumerable<ControlCommand> All =>
    [
        ControlCommand.Sync("ping", (_, _) => ControlCommand.Ok("pong")),
        ControlCommand.Sync("clock", (c, _) => new JsonObject { ["clock"] = c.App.Clock.Value }),
        ControlCommand.Sync("hello", Hello),
        ControlCommand.Sync("stats", (c, _) => StatsReply.Build(c)),
    ];

    /// <summary>
    /// Mingle (docs/protocol.md §7.7): null to the node itself; another node's revoked ids are merged and it
    /// gets ours and our clock, forwarded.
    /// </summary>
    private static JsonNode? Hello(ControlContext context, ControlArguments arguments)
    {
        var from = arguments.RequiredString("from_node");
        if (from == context.Hostname) return null;
        if (arguments.Object("revoked") is { Count: > 0 } revoked) context.Worker.MergeRevoked(revoked);
        return new JsonObject
        {
            ["revoked"] = context.Worker.RevokedForHello(),
            ["clock"] = context.App.Clock.Forward(),
        };
    }
}
