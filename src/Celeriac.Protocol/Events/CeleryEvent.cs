using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Events;

/// <summary>
/// One Celery event (docs/protocol.md §6): the common fields (<c>type</c>, <c>hostname</c>, <c>timestamp</c>,
/// <c>utcoffset</c>, <c>pid</c>, <c>clock</c>) plus the type's own fields, kept as JSON.
/// </summary>
internal sealed class CeleryEvent
{
    private static readonly HashSet<string> CommonFields = ["type", "hostname", "timestamp", "utcoffset", "pid", "clock"];

    /// <summary>Creates an event.</summary>
    public CeleryEvent(string type, string hostname, double timestamp, int utcOffset, int pid, long clock, JsonObject? fields = null)
    {
        Type = type;
        Hostname = hostname;
        Timestamp = timestamp;
        UtcOffset = utcOffset;
        Pid = pid;
        Clock = clock;
        Fields = fields ?? new JsonObject();
    }

    /// <summary>Event type, e.g. <c>task-succeeded</c>, <c>worker-heartbeat</c>.</summary>
    public string Type { get; }

    /// <summary>Sender node name.</summary>
    public string Hostname { get; }

    /// <summary>Unix time in seconds when the event was created.</summary>
    public double Timestamp { get; }

    /// <summary>Hours <em>west</em> of UTC, floored (docs/protocol.md §6.2, pitfall 10).</summary>
    public int UtcOffset { get; }

    /// <summary>Sender process id.</summary>
    public int Pid { get; }

    /// <summary>Sender's Lamport clock.</summary>
    public long Clock { get; }

    /// <summary>Type-specific fields (<c>uuid</c>, <c>result</c>, <c>freq</c>, …).</summary>
    public JsonObject Fields { get; }

    /// <summary>The part of the type before the first '-': <c>task</c> or <c>worker</c>.</summary>
    public string Group => Type.Split('-', 2)[0];

    /// <summary>The routing key Celery publishes the event with: the type with '-' replaced by '.'.</summary>
    public string RoutingKey => Type.Replace('-', '.');

    /// <summary>Python's <c>time.timezone // 3600</c> for the local zone now: hours west of UTC, floored.</summary>
    public static int LocalUtcOffset(DateTimeOffset now) => (int)Math.Floor(-now.Offset.TotalHours);

    /// <summary>The JSON object Python writes: common fields first, then the type's, then timestamp and type.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["hostname"] = Hostname,
            ["utcoffset"] = UtcOffset,
            ["pid"] = Pid,
            ["clock"] = Clock,
        };
        foreach (var (key, value) in Fields) o[key] = value?.DeepClone();
        // A float always: a whole-second Timestamp must not reach Python as an int.
        o["timestamp"] = CeleryJson.PythonFloat(Timestamp);
        o["type"] = Type;
        return o;
    }

    /// <summary>Reads one event object.</summary>
    public static CeleryEvent FromJson(JsonObject o)
    {
        var fields = new JsonObject();
        foreach (var (key, value) in o)
            if (!CommonFields.Contains(key)) fields[key] = value?.DeepClone();
        return new CeleryEvent(
            CeleryJson.GetString(o, "type") ?? throw new FormatException("event has no type"),
            CeleryJson.GetString(o, "hostname") ?? "",
            CeleryJson.GetDouble(o, "timestamp") ?? 0,
            (int)(CeleryJson.GetInt64(o, "utcoffset") ?? 0),
            (int)(CeleryJson.GetInt64(o, "pid") ?? 0),
            CeleryJson.GetInt64(o, "clock") ?? 0,
            fields);
    }

    /// <summary>
    /// Reads an event message body: one object, or a <c>task.multi</c> batch array (docs/protocol.md §6.1).
    /// </summary>
    public static IReadOnlyList<CeleryEvent> ParseBody(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try { node = CeleryJson.Parse(utf8); }
        catch (JsonException ex) { throw new FormatException("event body is not JSON: " + ex.Message, ex); }
        return node switch
        {
            JsonObject one => [FromJson(one)],
            JsonArray many => many.Select(e => FromJson(e as JsonObject ?? throw new FormatException("event batch holds a non-object"))).ToList(),
            _ => throw new FormatException("event body is neither an object nor an array"),
        };
    }
}
