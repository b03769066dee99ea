using System.Runtime.CompilerServices;
using System.Text.Json;
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
    public static IEnumerable<(string RoutingKey, byte[] Body)> Messages(IReadOnlyList<QueuedEvent> events, int batchSize, string hostname, int pid)
    {
        var i = 0;
        while (i < events.Count)
        {
            if (batchSize == 0 || !IsBuffered(events[i]))
            {
                yield return (events[i].Type.Replace('-', '.'), One(events[i], hostname, pid));
                i++;
                continue;
            }
            var start = i;
            while (i < events.Count && i - start < batchSize && IsBuffered(events[i])) i++;
            yield return (BufferedGroup + ".multi", Many(events, start, i - start, hostname, pid));
        }
    }

    /// <summary>One event as its own message body.</summary>
    public static byte[] One(QueuedEvent e, string hostname, int pid) =>
        CeleryJson.ToUtf8Bytes((e, hostname, pid), static (w, s) => Write(w, s.e, s.hostname, s.pid));

    private static byte[] Many(IReadOnlyList<QueuedEvent> events, int start, int count, string hostname, int pid) =>
        CeleryJson.ToUtf8Bytes((events, start, count, hostname, pid), static (w, s) =>
        {
            w.WriteStartArray();
            for (var k = s.start; k < s.start + s.count; k++) Write(w, s.events[k], s.hostname, s.pid);
            w.WriteEndArray();
        });

    private static bool IsBuffered(QueuedEvent e) => e.Type.StartsWith(BufferedGroup + "-", StringComparison.Ordinal);

    // The object CeleryEvent.ToJson makes, written straight to the writer: no copy of the fields per event.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Write(Utf8JsonWriter w, QueuedEvent e, string hostname, int pid)
    {
        w.WriteStartObject();
        w.WriteString("hostname", hostname);
        w.WriteNumber("utcoffset", e.UtcOffset);
        w.WriteNumber("pid", pid);
        w.WriteNumber("clock", e.Clock);
        e.Body?.WriteFields(w);
        if (e.Fields is { } fields)
        {
            foreach (var (key, value) in fields)
            {
                w.WritePropertyName(key);
                CeleryJson.WriteNode(w, value);
            }
        }
        // A float always: a whole-second timestamp must not reach Python as an int.
        w.WritePropertyName("timestamp");
        if (double.IsInteger(e.Timestamp)) w.WriteRawValue(PythonRepr.FormatFloat(e.Timestamp), skipInputValidation: true);
        else w.WriteNumberValue(e.Timestamp); // shortest round-trip digits with a fraction, as Python's repr for Unix times
        w.WriteString("type", e.Type);
        w.WriteEndObject();
    }
}
