using System.Text.Json.Nodes;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// One <c>celeriac control</c> action: Celery 5.2.6's control command of that name, with the positional
/// arguments its panel declares and, for the revokes, the task ids that follow them (<c>variadic</c>).
/// The words are read as Celery's CLI reads them (celery/bin/control.py, <c>_compile_arguments</c>): in order,
/// typed, the rest going to the variadic argument; an argument left out is not sent, so the worker's default holds.
/// </summary>
internal sealed record ControlAction(string Name, string Signature, string Summary, ControlArgument[] Positional, string? Variadic = null)
{
    public JsonObject Arguments(IReadOnlyList<string> words)
    {
        var arguments = new JsonObject();
        var i = 0;
        for (; i < words.Count && i < Positional.Length; i++)
            arguments[Positional[i].Name] = Positional[i].Read(words[i]);
        if (Variadic is not null)
            arguments[Variadic] = new JsonArray(words.Skip(i).Select(w => (JsonNode?)JsonValue.Create(w)).ToArray());
        else if (i < words.Count)
            throw CliException.Usage($"control {Name} takes arguments: {Signature}");
        return arguments;
    }

    /// <summary>Every action, in the order the help lists them.</summary>
    public static IReadOnlyList<ControlAction> All { get; } =
    [
        new("revoke", "[id1 [id2 ...]]", "Revoke tasks by id.", [], "task_id"),
        new("terminate", "<signal> [id1 [id2 ...]]", "Revoke tasks and end them if running.", [ControlArgument.Text("signal")], "task_id"),
        new("rate_limit", "<task_name> <rate_limit (e.g. 5/s | 5/m | 5/h)>", "Set a task's rate limit.",
            [ControlArgument.Text("task_name"), ControlArgument.Text("rate_limit")]),
        new("time_limit", "<task_name> <soft_secs> [hard_secs]", "Set a task's time limits.",
            [ControlArgument.Text("task_name"), ControlArgument.Number("soft"), ControlArgument.Number("hard")]),
        new("add_consumer", "<queue> [exchange [type [routing_key]]]", "Start consuming from a queue.",
            [ControlArgument.Text("queue"), ControlArgument.Text("exchange"), ControlArgument.Text("exchange_type"), ControlArgument.Text("routing_key")]),
        new("cancel_consumer", "<queue>", "Stop consuming from a queue.", [ControlArgument.Text("queue")]),
        new("pool_grow", "[N=1]", "Add N pool slots.", [ControlArgument.Integer("n")]),
        new("pool_shrink", "[N=1]", "Remove N pool slots.", [ControlArgument.Integer("n")]),
        new("autoscale", "[max [min]]", "Set the autoscaler's bounds.", [ControlArgument.Integer("max"), ControlArgument.Integer("min")]),
        new("enable_events", "", "Start sending task events.", []),
        new("disable_events", "", "Stop sending task events.", []),
        new("heartbeat", "", "Send a worker heartbeat event now.", []),
        new("shutdown", "", "Shut the workers down (warm).", []),
    ];
}
