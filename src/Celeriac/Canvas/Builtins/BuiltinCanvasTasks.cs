using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Tasks;

namespace Celeriac.Canvas.Builtins;

/// <summary>
/// The composite built-in tasks every Celery app has (celery/app/builtins.py): <c>celery.group</c>,
/// <c>celery.chain</c>, <c>celery.chord</c> and <c>celery.chunks</c>, so a Celeriac worker runs a
/// composite a Python client sends as a task. They appear in <see cref="CeleriacApp.Tasks"/> as in
/// Celery; nothing needs to be done about them. (<c>celery.map</c>, <c>celery.starmap</c>,
/// <c>celery.accumulate</c>, <c>celery.backend_cleanup</c> and <c>celery.chord_unlock</c> are the
/// worker's built-ins, registered with it.)
/// </summary>
internal static class BuiltinCanvasTasks
{
    public static void Register(CeleriacApp app)
    {
        app.Task("celery.group", (Delegate)((TaskArguments a, CancellationToken ct) => GroupAsync(app, a, ct)));
        app.Task("celery.chain", (Delegate)((TaskArguments _) => Chain()));
        app.Task("celery.chord", (Delegate)((TaskArguments a, CancellationToken ct) => ChordAsync(app, a, ct)));
        app.Task("celery.chunks", (Delegate)((TaskArguments a, CancellationToken ct) => ChunksAsync(app, a, ct)));
    }

    /// <summary>
    /// <c>group(tasks, result, group_id, partial_args, add_to_parent=True)</c>: every task, with the
    /// partial args prepended, sent with that group id. Returns the group's result tuple as given.
    /// </summary>
    private static async Task<JsonNode?> GroupAsync(CeleriacApp app, TaskArguments arguments, CancellationToken cancellationToken)
    {
        var call = new PythonCall("group", arguments, "tasks", "result", "group_id", "partial_args", "add_to_parent");
        var groupId = call.Required("group_id").GetValue<string>();
        var partialArgs = call.Optional("partial_args") as JsonArray;
        foreach (var task in call.Required("tasks").AsArray())
        {
            var member = Signature.FromJson(task).Clone(partialArgs, null, new JsonObject { ["group_id"] = groupId });
            await member.SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false);
        }
        return call.Optional("result")?.DeepClone();
    }

    /// <summary><c>chain(*args, **kwargs)</c> is not a real task in Celery either: chains are sent as their first step.</summary>
    private static JsonNode? Chain() => throw new CeleryException("NotImplementedError", "builtins", "chain is not a real task");

    /// <summary>
    /// <c>chord(header, body, partial_args=(), interval=None, countdown=1, max_retries=None,
    /// eager=False, **kwargs)</c>: runs the chord from here; other keywords are its options.
    /// Returns the body's result tuple.
    /// </summary>
    private static async Task<JsonNode?> ChordAsync(CeleriacApp app, TaskArguments arguments, CancellationToken cancellationToken)
    {
        var call = new PythonCall("chord", arguments, "header", "body", "partial_args", "interval", "countdown", "max_retries", "eager");
        var header = SignatureKinds.Header(call.Required("header"));
        var body = Signature.FromJson(call.Required("body"));
        var countdown = call.Optional("countdown") is JsonValue c && c.TryGetValue<double>(out var seconds) ? seconds : 1;
        // A chord signature sent as a task carries its inner kwargs under "kwargs"; Python passes them on as options too.
        var options = call.Rest;
        options.Remove("kwargs");
        var result = await ChordRun.RunAsync(app, header, body, call.Optional("partial_args") as JsonArray ?? [], options, null, cancellationToken,
            call.Optional("interval"), countdown, call.Optional("max_retries")).ConfigureAwait(false);
        return result.AsTuple();
    }

    /// <summary><c>chunks(task, it, n)</c>: sends the chunks as a group of starmaps; returns the group's result tuple.</summary>
    private static async Task<JsonNode?> ChunksAsync(CeleriacApp app, TaskArguments arguments, CancellationToken cancellationToken)
    {
        var call = new PythonCall("chunks", arguments, "task", "it", "n");
        var chunks = new Chunks(Signature.FromJson(call.Required("task")), call.Required("it").AsArray(), call.Required("n").GetValue<int>());
        var result = await chunks.SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false);
        return result.AsTuple();
    }
}
