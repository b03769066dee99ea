using System.Runtime.CompilerServices;
using System.Text.Json;
using Celeriac.Protocol.Events;
using Celeriac.Protocol.Json;

namespace Celeriac.Events;

/// <summary>
/// Event bodies as Python's dispatcher writes them (docs/protocol.md §6.1–6.2): one JSON object per
/// event, keys in Python's order (<c>hostname</c>, <c>utcoffset</c>, <c>pid</c>, <c>clock</c>, the
/// type's fields, <c>timestamp</c>, <c>type</c>); <c>task-*</c> events batched as a JSON array
/// published with routing key <c>task.multi</c>.
/// </summary>
internal static class EventWire
{
    /// <summary>The group buffered and sent as <c>&lt;group&gt;.multi</c> arrays (Celery's worker buffers <c>task</c>).</summary>
    public const string BufferedGroup = "task";

    /// <summary>
    /// The messages for <paramref name="events"/> in order: a run of <c>task-*</c> events becomes
    /// arrays of at most <paramref name="batchSize"/>; any other event, and every event when
    /// <paramref name="batchSize"/> is 0, goes alone with its own routing key.
    /// </summary>
    public static IEnumerable<(string RoutingKey, byte[] Body)> Messages(IReadOnlyList<CeleryEvent> events, int batchSize)
    {
        var i = 0;
        while (i < events.Count)
        {
            if (batchSize == 0 || !IsBuffered(events[i]))
            {
                yield return (events[i].RoutingKey, One(events[i]));
                i++;
                continue;
            }
            var start = i;
            while (i < events.Count && i - start < batchSize && IsBuffered(events[i])) i++;
            yield return (BufferedGroup + ".multi", Many(events, start, i - start));
        }
    }

    /// <summary>
    /// A float field Python reads back as a float: the plain writer where it keeps a fraction or an
    /// exponent (any non-integral value; <c>2.5E-05</c> where Python would write <c>2.5e-05</c>, the
    /// same float to every JSON reader), <see cref="CeleryJson.PythonFloat"/> for whole numbers, which
    /// the plain writer would turn into ints (<c>2</c> for <c>2.0</c>). Keeps the common case free of a parse.
    /// </summary>
    public static System.Text.Json.Nodes.JsonNode Float(double value) =>
        double.IsFinite(value) && !double.IsInteger(value)
            ? System.Text.Json.Nodes.JsonValue.Create(value)
            : CeleryJson.PythonFloat(value);

    /// <summary>One event as its own message body.</summary>
    public static byte[] One(CeleryEvent e) => CeleryJson.ToUtf8Bytes(e, static (w, ev) => Write(w, ev));

    private static byte[] Many(IReadOnlyList<CeleryEvent> events, int start, int count) =>
        CeleryJson.ToUtf8Bytes((events, start, count), static (w, s) =>
        {
            w.WriteStartArray();
            for (var k = s.start; k < s.start + s.count; k++) Write(w, s.events[k]);
            w.WriteEndArray();
        });

    private static bool IsBuffered(CeleryEvent e) => e.Type.StartsWith(BufferedGroup + "-", StringComparison.Ordinal);

    // The same object as CeleryEvent.ToJson, written straight to the writer: no copy of the fields per event.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Write(Utf8JsonWriter w, CeleryEvent e)
    {
        w.WriteStartObject();
        w.WriteString("hostname", e.Hostname);
        w.WriteNumber("utcoffset", e.UtcOffset);
        w.WriteNumber("pid", e.Pid);
        w.WriteNumber("clock", e.Clock);
        foreach (var (key, value) in e.Fields)
        {
            w.WritePropertyName(key);
            CeleryJson.WriteNode(w, value);
        }
        // A float always: a whole-second timestamp must not reach Python as an int.
        w.WritePropertyName("timestamp");
        if (double.IsInteger(e.Timestamp)) w.WriteRawValue(PythonRepr.FormatFloat(e.Timestamp), skipInputValidation: true);
        else w.WriteNumberValue(e.Timestamp); // shortest round-trip digits with a fraction, as Python's repr for Unix times
        w.WriteString("type", e.Type);
        w.WriteEndObject();
    }
}
