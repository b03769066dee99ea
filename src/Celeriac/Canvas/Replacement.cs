using System.Text.Json.Nodes;
using Celeriac.Exceptions;

namespace Celeriac.Canvas;

/// <summary>
/// Prepares the signature that replaces a running task, as Celery 5.2.6's <c>Task.replace</c>:
/// the running task's callbacks and errbacks are linked onto it, it is frozen with the running
/// task's id (unless it has one), it takes the task's chord, group, group index and root, and the
/// rest of the task's chain follows it. Replacing a chord header part with a plain signature keeps
/// the part count (the replacement is the part), so nothing is added to the join here.
/// </summary>
internal static class Replacement
{
    /// <summary>The exception the task throws: a <see cref="ReplaceException"/>, or why it cannot be replaced.</summary>
    public static Exception Prepare(TaskContext context, Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Options.ContainsKey("chord"))
            return CeleryExceptions.ImproperlyConfigured("A signature replacing a task must not be part of a chord");
        if (signature.SubtaskType is { } kind)
            return new NotSupportedException($"Replacing a task with a {kind} needs the composite signatures of the canvas API, which this build cannot send; replace it with a plain signature.");

        var message = context.Message;
        var replacement = signature.Clone();
        Append(replacement.Options, "link", message.Embed.Callbacks);
        Append(replacement.Options, "link_error", message.Embed.Errbacks);
        if (replacement.Id is null) replacement.Options["task_id"] = context.TaskId;
        replacement.Options["chord"] = message.Embed.Chord?.DeepClone();
        replacement.Options["group_id"] = message.Group;
        replacement.Options["group_index"] = message.GroupIndex;
        replacement.Options["root_id"] = context.RootId;
        // Sent from inside the task: the task is its parent unless the signature names one.
        if (replacement.Options["parent_id"] is null) replacement.Options["parent_id"] = context.TaskId;
        if (context.App.Options.InheritParentPriority && replacement.Options["priority"] is null && message.Properties.Priority is { } priority)
            replacement.Options["priority"] = priority;
        // Celery chains the remaining steps after the replacement; for a plain signature that is
        // the same wire form as carrying the (reversed) chain on (SPEC §1.7).
        if (message.Embed.Chain is { Count: > 0 } chain) replacement.Options["chain"] = chain.DeepClone();
        return new ReplaceException(replacement);
    }

    private static void Append(JsonObject options, string key, JsonArray? more)
    {
        if (more is not { Count: > 0 }) return;
        var list = options[key] switch
        {
            JsonArray a => a,
            JsonObject one => new JsonArray(one.DeepClone()),
            _ => [],
        };
        foreach (var node in more) list.Add(node?.DeepClone());
        options[key] = list;
    }
}
