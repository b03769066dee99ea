using System.Text.Json.Nodes;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// What "retry" sends: the task's name, args, kwargs and queue, whole. Args come from the result backend's
/// extended meta when it has them (JSON, never cut), else from the store — events carry Python reprs, read
/// back by <see cref="PythonLiteral"/>; a repr cut short (<c>...</c>) cannot be sent again, and then retry is
/// refused with the reason (<see cref="Refusal"/>).
/// </summary>
internal sealed record RetryPlan(string? Name, JsonArray? Args, JsonObject? Kwargs, string? Queue, string? Refusal)
{
    public static RetryPlan For(TaskLookup task)
    {
        var name = task.Name;
        if (name is null) return Refused("the task's name is unknown (neither its events nor the result backend recorded it)");
        if (task.Backend?.Extended is { Args: { } args, Kwargs: var kwargs })
            return new RetryPlan(name, (JsonArray)args.DeepClone(), (JsonObject?)kwargs?.DeepClone() ?? [], task.Queue, null);
        var stored = task.Stored?.Task;
        if (stored?.Args is null) return Refused("the task's arguments are unknown (no event or backend meta carried them)");
        if (!PythonLiteral.TryParse(stored.Args, out var argsNode, out var argsError)) return Refused("its args cannot be rebuilt: " + argsError);
        var argList = argsNode switch
        {
            JsonArray a => a,
            null => [],
            _ => null,
        };
        if (argList is null) return Refused("its args are not a list or tuple");
        JsonObject kwargObject = [];
        if (!string.IsNullOrWhiteSpace(stored.Kwargs))
        {
            if (!PythonLiteral.TryParse(stored.Kwargs, out var kwargsNode, out var kwargsError)) return Refused("its kwargs cannot be rebuilt: " + kwargsError);
            if (kwargsNode is JsonObject o) kwargObject = o;
            else if (kwargsNode is not null) return Refused("its kwargs are not a dict");
        }
        return new RetryPlan(name, argList, kwargObject, task.Queue, null);

        RetryPlan Refused(string why) => new(name, null, null, null, why);
    }
}
