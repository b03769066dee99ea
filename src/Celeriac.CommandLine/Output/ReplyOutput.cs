using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Spectre.Console;

namespace Celeriac.CommandLine.Output;

/// <summary>What every remote-control command prints besides its tables.</summary>
internal static class ReplyOutput
{
    /// <summary>
    /// Prints the replies of an inspect command: Celery's JSON map with <c>--json</c>, else the tables and
    /// "N nodes online.".
    /// </summary>
    public static async Task WriteInspectAsync(TextWriter output, CliSettings settings, ReplyShape shape, IReadOnlyDictionary<string, JsonNode?> replies)
    {
        if (settings.Json)
        {
            await output.WriteLineAsync(Json(replies)).ConfigureAwait(false);
            return;
        }
        var console = CliConsole.For(output);
        ReplyTables.Write(console, shape, replies);
        console.WriteLine(NodesOnline(replies.Count));
    }

    /// <summary>
    /// Prints the replies of a control command: with <c>--json</c> as <c>celery control -j</c> prints them — a list
    /// of one-node objects, <c>[{"node": reply}, …]</c>, since it dumps broadcast's reply list — else a table.
    /// </summary>
    public static async Task WriteControlAsync(TextWriter output, CliSettings settings, IReadOnlyDictionary<string, JsonNode?> replies)
    {
        if (settings.Json)
        {
            var list = new JsonArray(replies.Select(r => (JsonNode?)new JsonObject { [r.Key] = r.Value?.DeepClone() }).ToArray());
            await output.WriteLineAsync(PythonJson.Dumps(list)).ConfigureAwait(false);
            return;
        }
        ReplyTables.Write(CliConsole.For(output), ReplyShape.Status, replies);
    }

    /// <summary>
    /// The replies as <c>celery inspect -j</c> prints them: kombu's <c>dumps</c> of <c>{node: reply}</c>, i.e.
    /// Python's <c>json.dumps</c> (", " and ": " separators, non-ASCII escaped), nodes in the order they replied.
    /// </summary>
    public static string Json(IReadOnlyDictionary<string, JsonNode?> replies)
    {
        var map = new JsonObject();
        foreach (var (node, reply) in replies) map[node] = reply?.DeepClone();
        return PythonJson.Dumps(map);
    }

    /// <summary>Celery's closing line: "1 node online." / "3 nodes online.".</summary>
    public static string NodesOnline(int count) => $"{count} {(count == 1 ? "node" : "nodes")} online.";
}
