using Celeriac.Beat.Store;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;

namespace Celeriac.Beat;

/// <summary>
/// Builds the message of a run exactly as Python's beat sends it (vector <c>task_v2_beat_published</c>,
/// docs/protocol.md §8.3): <see cref="TaskPublisher.Build"/> with the entry's options, its own headers only,
/// <c>expires</c> counted from now (the publish), and the task id derived from the run (<see cref="BeatTaskId"/>).
/// </summary>
internal sealed class BeatRunFactory(CeleriacApp app)
{
    /// <summary>The message and route of one send of <paramref name="entry"/> with <paramref name="taskId"/>.</summary>
    public (TaskMessage Message, DeliveryInfo Route) Message(BeatEntry entry, string taskId)
    {
        var options = entry.Options with { TaskId = taskId };
        var definition = app.Tasks.Find(entry.Task);
        var args = (System.Text.Json.Nodes.JsonArray)entry.Args.DeepClone();
        var message = app.Publisher.Build(entry.Task, args, (System.Text.Json.Nodes.JsonObject)entry.Kwargs.DeepClone(), options, definition);
        // Python's beat evaluates an entry's args into a list (beat.py _evaluate_entry_args), so its
        // argsrepr is a list's repr — "[16, 16]" in the vector — not a tuple's.
        message.ArgsRepr = PythonRepr.Format(args);
        return (message, app.Publisher.Route(entry.Task, options, definition));
    }

    /// <summary>The run of <paramref name="entry"/> at <paramref name="slot"/>, the entry's <paramref name="runCount"/>-th.</summary>
    public (BeatRun Run, TaskMessage Message) Run(BeatEntry entry, DateTimeOffset slot, long runCount)
    {
        var taskId = BeatTaskId.For(entry.Name, slot);
        var (message, route) = Message(entry, taskId);
        var run = new BeatRun(entry.Name, slot, TaskMessageCodec.Encode(message), route, new BeatEntryState(slot, runCount, taskId));
        return (run, message);
    }
}
