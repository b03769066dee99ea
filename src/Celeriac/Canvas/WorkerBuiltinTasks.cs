using System.Text.Json.Nodes;
using Celeriac.Tasks;

namespace Celeriac.Canvas;

/// <summary>
/// The built-in tasks every Celery app has (celery/app/builtins.py) that a worker needs to run
/// canvases it did not build: <c>celery.chord_unlock</c>, <c>celery.map</c>, <c>celery.starmap</c>,
/// <c>celery.accumulate</c> and <c>celery.backend_cleanup</c>. The composite ones
/// (<c>celery.group</c>, <c>celery.chain</c>, <c>celery.chord</c>, <c>celery.chunks</c>) are
/// registered with the composite signatures.
/// </summary>
internal static class WorkerBuiltinTasks
{
    /// <summary>Registers them on <paramref name="app"/>; called once by its constructor.</summary>
    public static void Register(CeleriacApp app)
    {
        var unlock = new ChordUnlockTask(app);
        app.Task(ChordUnlockTask.Name, (Delegate)unlock.RunAsync, o =>
        {
            // Celery: bound, max_retries=None, default_retry_delay=result_chord_retry_interval, ignore_result.
            o.MaxRetries = null;
            o.DefaultRetryDelay = app.Options.ResultChordRetryInterval;
            o.IgnoreResult = true;
        });
        app.Task("celery.map", (JsonNode task, JsonArray it, TaskContext context) =>
            InProcessCall.EachAsync(context, task, it, item => [item?.DeepClone()]));
        app.Task("celery.starmap", (JsonNode task, JsonArray it, TaskContext context) =>
            InProcessCall.EachAsync(context, task, it, item => item is JsonArray args
                ? (JsonArray)args.DeepClone()
                : throw new Exceptions.TaskArgumentException($"celery.starmap items must be lists of arguments, got {(item is null ? "None" : Celeriac.Protocol.Json.CeleryJson.ToJsonString(item))}")));
        app.Task("celery.accumulate", (Delegate)((TaskArguments all) => Accumulate(all)));
        // Redis and memory results expire by themselves, as Celery's backend_cleanup is a no-op for Redis.
        app.Task("celery.backend_cleanup", () => { });
    }

    /// <summary>Celery's <c>accumulate(*args, index=None)</c>: all args, or the one at <c>index</c> (used by <c>Task.replace</c> with a group).</summary>
    private static JsonNode? Accumulate(TaskArguments all)
    {
        if (all.Kwargs["index"] is not JsonValue v || !v.TryGetValue<int>(out var index)) return all.Args.DeepClone();
        var at = index < 0 ? all.Args.Count + index : index;
        if (at < 0 || at >= all.Args.Count) throw new Exceptions.CeleryException("IndexError", "builtins", "tuple index out of range");
        return all.Args[at]?.DeepClone();
    }
}
