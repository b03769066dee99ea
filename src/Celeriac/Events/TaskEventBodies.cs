using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;

namespace Celeriac.Events;

/// <summary>
/// <c>task-received</c>, <c>task-started</c> and <c>task-succeeded</c> — three per task when task events
/// are on — as <see cref="EventBody"/>s: the same fields as <see cref="TaskEventFields"/> builds, formatted in
/// the dispatcher's loop. The message and result they hold are not changed after the run.
/// </summary>
internal static class TaskEventBodies
{
    public static EventBody Received(TaskMessage message) => new ReceivedBody(message);

    public static EventBody Started(string id) => new StartedBody(id);

    public static EventBody Succeeded(string id, JsonNode? value, TimeSpan runtime) => new SucceededBody(id, value, runtime.TotalSeconds);

    /// <summary>
    /// A float Python reads back as a float: the plain writer where it keeps a fraction or an exponent
    /// (any non-integral value; <c>2.5E-05</c> where Python writes <c>2.5e-05</c>, the same float to
    /// every JSON reader), Python's spelling for whole numbers, which the plain writer would make ints.
    /// </summary>
    public static void WriteFloat(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value) && !double.IsInteger(value)) w.WriteNumberValue(value);
        else CeleryJson.WriteNode(w, CeleryJson.PythonFloat(value));
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? time)
    {
        if (time is { } t) w.WriteString(name, PythonDateTime.Format(t));
        else w.WriteNull(name);
    }

    private sealed class ReceivedBody(TaskMessage m) : EventBody
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void WriteFields(Utf8JsonWriter w)
        {
            w.WriteString("uuid", m.Id);
            w.WriteString("name", m.Shadow ?? m.Task);
            w.WriteString("args", TaskEventFields.ArgsRepr(m));
            w.WriteString("kwargs", TaskEventFields.KwargsRepr(m));
            w.WriteString("root_id", m.RootId);
            w.WriteString("parent_id", m.ParentId);
            w.WriteNumber("retries", m.Retries);
            WriteTime(w, "eta", m.Eta);
            WriteTime(w, "expires", m.Expires);
        }
    }

    private sealed class StartedBody(string id) : EventBody
    {
        public override void WriteFields(Utf8JsonWriter w) => w.WriteString("uuid", id);
    }

    private sealed class SucceededBody(string id, JsonNode? value, double runtime) : EventBody
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void WriteFields(Utf8JsonWriter w)
        {
            w.WriteString("uuid", id);
            w.WriteString("result", PythonSafeRepr.Format(value, TaskEventFields.ResultReprMaxSize));
            w.WritePropertyName("runtime");
            WriteFloat(w, runtime);
        }
    }
}
