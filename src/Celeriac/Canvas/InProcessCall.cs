using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Protocol.Messages;
using Celeriac.Serialization;

namespace Celeriac.Canvas;

/// <summary>
/// Calls a registered task's function directly inside the running task, as Python's
/// <c>task(*args)</c> does for <c>celery.map</c> and <c>celery.starmap</c>: no message, no result
/// stored, no time limits of its own. The signature's own partial args are not used, as in Celery
/// (<c>signature(task).type</c>).
/// </summary>
internal static class InProcessCall
{
    /// <summary>Runs the task named by <paramref name="task"/> once per item, with the args <paramref name="argsOf"/> gives; returns the results in order.</summary>
    public static async Task<JsonArray> EachAsync(TaskContext context, JsonNode task, JsonArray items, Func<JsonNode?, JsonArray> argsOf)
    {
        var name = Signature.FromJson(task).Task;
        var definition = context.App.Tasks.Find(name) ?? throw CeleryExceptions.NotRegistered(name);
        var results = new JsonArray();
        foreach (var item in items)
        {
            var message = new TaskMessage
            {
                Task = name,
                Id = Guid.NewGuid().ToString(),
                Args = argsOf(item),
                ParentId = context.TaskId,
                RootId = context.RootId,
                Group = context.GroupId,
            };
            var call = new TaskContext(context.App, message, context.Hostname, context.Queue, context.IsEager, context.Cancellation) { Definition = definition };
            var previous = TaskContext.Current;
            TaskContext.SetCurrent(call);
            try
            {
                var value = await definition.Invoker.InvokeAsync(call, context.App.Options.Json, context.App.Services).ConfigureAwait(false);
                results.Add(CeleriacJson.ToNode(value, context.App.Options.Json));
            }
            finally
            {
                TaskContext.SetCurrent(previous);
            }
        }
        return results;
    }
}
