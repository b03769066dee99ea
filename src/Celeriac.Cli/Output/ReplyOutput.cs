using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Cli.Output;

/// <summary>What every remote-control command prints besides its tables.</summary>
internal static class ReplyOutput
{
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
