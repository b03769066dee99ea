using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Celeriac.CommandLine.Output;

/// <summary>
/// Draws the replies of a remote-control command as tables: one table for commands that answer one value per
/// node (ping, clock), one table per node for lists and objects. A node that answered <c>{"error": …}</c>
/// gets a line saying so instead of a table.
/// </summary>
internal static class ReplyTables
{
    public static void Write(IAnsiConsole console, ReplyShape shape, IReadOnlyDictionary<string, JsonNode?> replies)
    {
        switch (shape)
        {
            case ReplyShape.Status:
                console.Write(PerNode(replies, "Reply", reply => StatusText(reply)));
                return;
            case ReplyShape.Clock:
                console.Write(PerNode(replies, "Clock", reply => Text((reply as JsonObject)?["clock"])));
                return;
        }
        foreach (var (node, reply) in replies)
        {
            if (shape != ReplyShape.Object && reply is JsonObject o && o["error"] is { } error)
            {
                console.Write(new Markup($"[bold]{Markup.Escape(node)}[/]: [red]error[/]: {Markup.Escape(Text(error))}\n"));
                continue;
            }
            if (shape == ReplyShape.Text)
            {
                console.Write(new Markup($"[bold]{Markup.Escape(node)}[/]\n"));
                console.WriteLine(Text((reply as JsonObject)?["ok"] ?? reply));
                continue;
            }
            // The node as a heading line, not the table's title, which Spectre cuts to the table's width.
            console.Write(new Markup($"[bold]{Markup.Escape(node)}[/]\n"));
            console.Write(ForNode(shape, reply));
        }
    }

    private static Table ForNode(ReplyShape shape, JsonNode? reply)
    {
        var table = new Table { Border = TableBorder.Rounded };
        var items = reply as JsonArray ?? [];
        switch (shape)
        {
            case ReplyShape.Requests:
                Columns(table, "ID", "Name", "Args", "Kwargs", "Started");
                foreach (var r in items)
                    Row(table, r?["id"], r?["name"], r?["args"], r?["kwargs"], r?["time_start"]);
                break;
            case ReplyShape.Scheduled:
                Columns(table, "ETA", "Priority", "ID", "Name", "Args");
                foreach (var s in items)
                    Row(table, s?["eta"], s?["priority"], s?["request"]?["id"], s?["request"]?["name"], s?["request"]?["args"]);
                break;
            case ReplyShape.Strings:
                Columns(table, "Value");
                foreach (var s in items) Row(table, s);
                break;
            case ReplyShape.Queues:
                Columns(table, "Queue", "Exchange", "Routing key");
                foreach (var q in items) Row(table, q?["name"], q?["exchange"]?["name"], q?["routing_key"]);
                break;
            case ReplyShape.TaskStates:
                Columns(table, "ID", "State", "Name", "Args");
                foreach (var (id, entry) in reply as JsonObject ?? [])
                    Row(table, JsonValue.Create(id), entry?[0], entry?[1]?["name"], entry?[1]?["args"]);
                break;
            case ReplyShape.Object:
                Columns(table, "Key", "Value");
                foreach (var (key, value) in Flatten("", reply as JsonObject ?? []))
                    Row(table, JsonValue.Create(key), value);
                break;
        }
        if (table.Rows.Count == 0) table.Caption = new TableTitle("(none)");
        return table;
    }

    /// <summary>Nested objects as dotted keys (<c>pool.max-concurrency</c>), so stats read as one list.</summary>
    private static IEnumerable<(string Key, JsonNode? Value)> Flatten(string prefix, JsonObject obj)
    {
        foreach (var (key, value) in obj)
        {
            if (value is JsonObject { Count: > 0 } inner)
                foreach (var entry in Flatten(prefix + key + ".", inner)) yield return entry;
            else
                yield return (prefix + key, value);
        }
    }

    private static Table PerNode(IReadOnlyDictionary<string, JsonNode?> replies, string column, Func<JsonNode?, string> value)
    {
        var table = new Table { Border = TableBorder.Rounded };
        Columns(table, "Node", column);
        foreach (var (node, reply) in replies)
            table.AddRow(new IRenderable[] { new Text(node), new Text(value(reply)) });
        return table;
    }

    private static string StatusText(JsonNode? reply) => reply switch
    {
        JsonObject o when o["error"] is { } e => "error: " + Text(e),
        JsonObject o when o["ok"] is { } ok => Text(ok),
        _ => Text(reply),
    };

    private static void Columns(Table table, params string[] names)
    {
        foreach (var name in names) table.AddColumn(new TableColumn(name));
    }

    private static void Row(Table table, params JsonNode?[] cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(Text(c))).ToArray());

    /// <summary>A string as itself, anything else as compact JSON, null as empty.</summary>
    internal static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
