using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Events;
using Celeriac.Protocol.Json;

namespace Celeriac.CommandLine.Events;

/// <summary>
/// One line per event, as <c>celery events --dump</c> prints them (celery/events/dumper.py, 5.2.6):
/// <c>host [UTC time] heartbeat: active=0, clock=5, freq=2.0, …</c> for worker events and
/// <c>host [UTC time] task succeeded: name(uuid) args=(2, 3) kwargs={} clock=11, …, result=5, runtime=0.01</c>
/// for task events — the remaining fields sorted by name, each as Python's <c>str()</c> prints it. A task's
/// name, args and kwargs come with <c>task-received</c>/<c>task-sent</c>; later events of the task repeat them
/// from a cache of the last 4,095 tasks, as Celery's <c>TASK_NAMES</c> does.
/// </summary>
internal sealed class EventDumper
{
    /// <summary>The line Celery's <c>evdump</c> starts with.</summary>
    public const string StartLine = "-> evdump: starting capture...";

    private static readonly Dictionary<string, string> HumanTypes = new(StringComparer.Ordinal)
    {
        ["worker-offline"] = "shutdown",
        ["worker-online"] = "started",
        ["worker-heartbeat"] = "heartbeat",
    };

    private readonly BoundedLru<string> _taskNames = new(0xFFF);

    /// <summary>The event's line.</summary>
    public string Format(CeleryEventInfo e)
    {
        var fields = new Dictionary<string, JsonNode?>(e.Raw, StringComparer.Ordinal);
        var timestamp = Pop(fields, "timestamp") is { } t && CeleryJson.AsDouble(t) is { } seconds ? seconds : e.LocalReceived;
        var type = (Str(Pop(fields, "type")) ?? e.Type).ToLowerInvariant();
        var hostname = Str(Pop(fields, "hostname"));
        var head = $"{hostname} [{UtcTimestamp(timestamp)}] {HumanType(type)}";
        if (!type.StartsWith("task-", StringComparison.Ordinal)) return $"{head}{Separator(fields)} {Fields(fields)}";

        var uuid = Str(Pop(fields, "uuid"));
        string task;
        if (type is "task-received" or "task-sent")
        {
            task = $"{Str(Pop(fields, "name"))}({uuid}) args={Str(Pop(fields, "args"))} kwargs={Str(Pop(fields, "kwargs"))}";
            _taskNames.GetOrAdd(uuid, _ => task);
        }
        else task = _taskNames.TryGet(uuid, out var known) ? known : "";
        return $"{head}{Separator(fields)} {task} {Fields(fields)}";
    }

    /// <summary>
    /// <c>str(datetime.utcfromtimestamp(t))</c>: <c>2026-12-07 18:47:57.009970</c>, without the fraction when it
    /// is zero; microseconds rounded half to even as Python rounds them.
    /// </summary>
    public static string UtcTimestamp(double timestamp)
    {
        var whole = Math.Truncate(timestamp);
        var micros = (long)Math.Round((timestamp - whole) * 1e6, MidpointRounding.ToEven);
        if (micros >= 1_000_000) { whole += 1; micros -= 1_000_000; }
        else if (micros < 0) { whole -= 1; micros += 1_000_000; }
        var time = DateTime.UnixEpoch.AddSeconds(whole).AddTicks(micros * 10);
        return time.ToString(micros == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
    }

    private static string HumanType(string type) =>
        HumanTypes.TryGetValue(type, out var human) ? human : type.Replace('-', ' ');

    // Celery writes "type:" only when fields follow (`sep = fields and ':' or ''`), and the space after it always.
    private static string Separator(Dictionary<string, JsonNode?> fields) => fields.Count > 0 ? ":" : "";

    private static string Fields(Dictionary<string, JsonNode?> fields) =>
        string.Join(", ", fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={Str(f.Value)}"));

    private static JsonNode? Pop(Dictionary<string, JsonNode?> fields, string key) => fields.Remove(key, out var value) ? value : null;

    /// <summary>Python's <c>str()</c> of a JSON value: a string as it is, anything else as its repr.</summary>
    private static string Str(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) ? s : PythonRepr.Format(value, int.MaxValue);
}
