using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Canvas;

/// <summary>
/// Celery's <c>chain.prepare_steps</c>: walks the steps from the last to the first, splices nested
/// chains, upgrades a group followed by a step into a chord with that step as body, freezes every
/// step (the last with the chain's own id, group and chord) and links each result to the one
/// before it.
/// </summary>
internal static class ChainSteps
{
    /// <summary>The steps and their results, both last step first (the order <c>embed.chain</c> wants).</summary>
    public static (List<Signature> Tasks, List<ResultTuple> Results) Prepare(JsonArray args, JsonObject kwargs, IReadOnlyList<Signature> steps,
        FreezeOptions freeze, JsonNode? linkError, bool clone)
    {
        var pending = new List<Signature>(steps);
        var tasks = new List<Signature>();
        var results = new List<ResultTuple>();
        Signature? previous = null;
        while (pending.Count > 0)
        {
            var task = pending[^1];
            pending.RemoveAt(pending.Count - 1);
            bool isFirst = pending.Count == 0, isLast = tasks.Count == 0;
            if (task is Group group) task = Group.MaybeUnroll(group);
            if (clone) task = isFirst ? task.Clone(args, kwargs) : task.Clone();
            else if (isFirst) for (var i = args.Count - 1; i >= 0; i--) task.Args.Insert(0, args[i]?.DeepClone());

            if (task is Chain nested)
            {
                pending.AddRange(nested.Tasks);
                continue;
            }
            if (task is Group header && previous is not null)
            {
                // group | step inside a chain runs as chord(group, step); the chord takes the step's id
                // (a group step has none to give), root_id written even when None, as Python does.
                tasks.RemoveAt(tasks.Count - 1);
                var previousResult = results[^1];
                results.RemoveAt(results.Count - 1);
                var options = new JsonObject();
                if (previous is not Group) options["task_id"] = previousResult.Id;
                options["root_id"] = freeze.RootId;
                task = new Chord(header, previous, options);
            }

            var result = isLast
                ? task.FreezeCore(freeze with { ParentId = null })
                : task.FreezeCore(new FreezeOptions { RootId = freeze.RootId, ReplyTo = freeze.ReplyTo });
            if (linkError is not null)
                foreach (var errback in linkError is JsonArray many ? many : [linkError.DeepClone()]) task.LinkError(Signature.FromJson(errback));
            tasks.Add(task);
            results.Add(result);
            previous = task;
        }

        // Each step's result names the one before it (a chord's, through its header group).
        for (var i = results.Count - 2; i >= 0; i--) results[i] = TaskResults.WithRootParent(results[i], results[i + 1]);
        return (tasks, results);
    }
}
