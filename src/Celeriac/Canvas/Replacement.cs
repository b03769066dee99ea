using System.Text.Json.Nodes;
using Celeriac.Exceptions;

namespace Celeriac.Canvas;

/// <summary>
/// Prepares the signature that replaces a running task, as Celery 5.2.6's <c>Task.replace</c>:
/// a group becomes a chord with body <c>celery.accumulate.s(index=0)</c> (so callbacks can link
/// onto something that runs once, with the group's results); the running task's callbacks and
/// errbacks are linked on (a chain's callbacks moved to its last step); it is frozen with the
/// running task's id (a chain's last step, a chord's body takes it, unless it has one); it takes
/// the task's chord, group, group index and root and <c>replaced_task_nesting</c> + 1; and the
/// rest of the task's chain is piped after it (<c>sig |= step</c>). Replacing a chord header part
/// keeps the part count (the replacement — a chain's last step, a chord's body — is the part).
/// </summary>
internal static class Replacement
{
    /// <summary>The exception the task throws: a <see cref="ReplaceException"/>, or why it cannot be replaced.</summary>
    public static Exception Prepare(TaskContext context, Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Options.ContainsKey("chord"))
            return CeleryExceptions.ImproperlyConfigured("A signature replacing a task must not be part of a chord");
        if (signature is Chain { Tasks.Count: 0 })
            return CeleryExceptions.ImproperlyConfigured("Cannot replace with an empty chain");

        var message = context.Message;
        var replacement = signature.Clone();
        // Groups are uplifted to a chord so callbacks link onto its body; the body returns the
        // list of the group's results (accumulate's args[0]).
        if (replacement is Group group)
            replacement = group | new Signature("celery.accumulate", kwargs: new JsonObject { ["index"] = 0 }) { App = replacement.App ?? context.App };
        foreach (var callback in LinkedSends.Read(message.Embed.Callbacks, Skip)) replacement.Link(callback);
        foreach (var errback in LinkedSends.Read(message.Embed.Errbacks, Skip)) replacement.LinkError(errback);
        if (replacement is Chain chain) MoveLinksToLastStep(chain);

        replacement.FreezeCore(new FreezeOptions { Id = context.TaskId, ReplyTo = context.App.Publisher.Oid });
        replacement.Options["chord"] = message.Embed.Chord?.DeepClone();
        replacement.Options["group_id"] = message.Group;
        replacement.Options["group_index"] = message.GroupIndex;
        replacement.Options["root_id"] = context.RootId;
        replacement.Options["replaced_task_nesting"] = Nesting(message) + 1;
        if (replacement.SubtaskType is null)
        {
            // Sent from inside the task: the task is its parent unless the signature names one.
            if (replacement.Options["parent_id"] is null) replacement.Options["parent_id"] = context.TaskId;
            if (context.App.Options.InheritParentPriority && replacement.Options["priority"] is null && message.Properties.Priority is { } priority)
                replacement.Options["priority"] = priority;
        }

        // The task's remaining chain steps run after the replacement, keeping their frozen ids;
        // embed.chain is reversed (docs/protocol.md §1.7), so the next step is its last element.
        var steps = message.Embed.Chain ?? [];
        for (var i = steps.Count - 1; i >= 0; i--)
        {
            Signature step;
            try
            {
                step = Signature.FromJson(steps[i]);
            }
            catch (Protocol.Messages.InvalidMessageException ex)
            {
                return new InvalidOperationException($"Task {context.TaskId} cannot be replaced: its chain step {Celeriac.Protocol.Json.CeleryJson.ToJsonString(steps[i])} is not a signature ({ex.Message})", ex);
            }
            replacement = replacement | step;
        }
        replacement.App ??= context.App;
        return new ReplaceException(replacement);

        static void Skip(JsonNode? node, Exception ex) { }
    }

    /// <summary>
    /// How many times the task was replaced already: the header (5.3+) or the property Celery 5.2.6
    /// puts it in (its <c>replaced_task_nesting</c> send option ends up in the message properties).
    /// </summary>
    private static int Nesting(Protocol.Messages.TaskMessage message) =>
        Math.Max(message.ReplacedTaskNesting,
            message.Properties.Extra?["replaced_task_nesting"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0);

    /// <summary>
    /// A chain's callbacks must run after its last step even when more steps are piped on later
    /// (a rebuilt chain drops its own options). Celery copies them and keeps the chain's too, which
    /// links them twice when nothing is piped on; moving them links each once.
    /// </summary>
    private static void MoveLinksToLastStep(Chain chain)
    {
        if (chain.Options["link"] is null) return;
        var last = chain.Tasks[^1];
        foreach (var callback in chain.Callbacks) last.Link(callback);
        chain.Options.Remove("link");
    }
}
