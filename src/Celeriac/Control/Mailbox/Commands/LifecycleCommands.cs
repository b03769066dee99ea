using System.Text.Json.Nodes;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary><c>shutdown</c> (never replies), and the commands only a Python worker can carry out, answered with an error.</summary>
internal static class LifecycleCommands
{
    private static readonly string[] PythonOnly = ["objgraph", "memdump", "memsample", "pymodule", "pool_restart"];

    public static IEnumerable<ControlCommand> All =>
        PythonOnly.Select(name => ControlCommand.Sync(name, (_, _) =>
                ControlCommand.Error($"{name} is a Python-only command: a Celeriac worker has no Python process to inspect or reload")))
            .Append(ControlCommand.Sync("shutdown", Shutdown, replies: false));

    /// <summary>Starts a graceful stop in the background (it closes this very mailbox, so it is not awaited here).</summary>
    private static JsonNode? Shutdown(ControlContext context, ControlArguments arguments)
    {
        context.Worker.ShutdownFromRemote(arguments.String("msg") ?? "Got shutdown from remote");
        return null;
    }
}
