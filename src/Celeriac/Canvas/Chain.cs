using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Canvas;

/// <summary>
/// Tasks run one after another, each receiving the previous result (Celery's <c>chain</c>, wire
/// task <c>celery.chain</c>, docs/protocol.md §1.7). Applying it sends only the first step; the remaining
/// steps travel in its <c>embed.chain</c>, reversed, each frozen with its id. The result is the
/// last step's, whose <see cref="AsyncResult.Parent"/> leads back through the steps.
/// </summary>
/// <example>
/// <code>
/// var r = (AsyncResult)await new Chain(add.S(2, 2), mul.S(4)).ApplyAsync();   // (2 + 2) * 4
/// var sixteen = await r.GetAsync&lt;int&gt;(TimeSpan.FromSeconds(10));
/// </code>
/// </example>
public sealed class Chain : TaskListSignature
{
    /// <summary>Creates a chain of exactly these steps (use <see cref="Workflow.Chain"/> for Celery's <c>chain(...)</c>, which composes with <c>|</c>).</summary>
    public Chain(params IEnumerable<Signature> tasks) : this(tasks, null, null, null, false) { }

    internal Chain(IEnumerable<Signature> tasks, JsonArray? args, JsonObject? kwargs, JsonObject? options, bool immutable)
        : base("celery.chain", "chain", "chain step", tasks, args, kwargs, options, immutable)
    {
    }

    /// <summary>Copies of the steps, each given the chain's own errbacks (Celery's <c>unchain_tasks</c>).</summary>
    internal List<Signature> UnchainTasks()
    {
        var tasks = _tasks.Select(t => t.Clone()).ToList();
        foreach (var errback in Errbacks)
            foreach (var task in tasks) task.LinkError(errback);
        return tasks;
    }

    private protected override Signature Pipe(Signature next)
    {
        switch (next)
        {
            case Group group:
                var steps = UnchainTasks();
                return steps.Count == 0 ? Group.MaybeUnroll(group) : new Chain([.. steps, Group.MaybeUnroll(group)]);
            case Chain chain:
                return new Chain([.. UnchainTasks(), .. chain.UnchainTasks()]);
            default:
                if (_tasks.Count > 0 && _tasks[^1] is Group or Chord)
                {
                    // A chain ending in a group | task: the group becomes a chord with that body;
                    // ending in a chord: the task is chained onto the chord's body.
                    var copy = (Chain)Clone();
                    copy._tasks[^1] = copy._tasks[^1] switch
                    {
                        Group last => new Chord(last, next),
                        var last => ((Chord)last).WithBody(((Chord)last).Body | next),
                    };
                    return copy;
                }
                return new Chain([.. UnchainTasks(), next]);
        }
    }

    /// <summary>Celery's <c>chain.freeze</c>: every step frozen in place; the result is the last step's.</summary>
    internal override ResultTuple FreezeCore(FreezeOptions freeze) => _tasks.Count == 0
        ? throw new InvalidOperationException("an empty chain has no step to freeze")
        : ChainSteps.Prepare(Args, Kwargs, _tasks, freeze, linkError: null, clone: false).Results[0];

    internal override async Task<ITaskResult> SendWorkflowAsync(CeleriacApp app, CancellationToken cancellationToken)
    {
        App ??= app;
        if (app.Options.AlwaysEager) return await ApplyEagerAsync(app, cancellationToken).ConfigureAwait(false);
        if (_tasks.Count == 0) throw new InvalidOperationException("an empty chain has nothing to send");

        // Celery's chain.run: these options are the chain's own; the rest go to the first step.
        var options = (JsonObject)Options.DeepClone();
        string? Take(string key)
        {
            var value = options[key]?.GetValue<string>();
            options.Remove(key);
            return value;
        }
        var freeze = new FreezeOptions
        {
            Id = Take("task_id"),
            GroupId = Take("group_id"),
            RootId = Take("root_id"),
            ParentId = Take("parent_id"),
            Chord = options["chord"] as JsonObject,
            GroupIndex = options["group_index"]?.GetValue<int>(),
            ReplyTo = app.Publisher.Oid,
        };
        var link = options["link"];
        var linkError = options["link_error"];
        foreach (var key in (string[])["chord", "group_index", "link", "link_error"]) options.Remove(key);

        var (tasks, results) = ChainSteps.Prepare(Args, Kwargs, _tasks, freeze, linkError, clone: true);
        if (tasks.Any(t => t is Chord)) ChordRun.EnsureAllowed(app);
        if (link is not null)
            foreach (var callback in link is JsonArray many ? many : [link.DeepClone()]) tasks[0].Link(FromJson(callback));
        var first = tasks[^1];
        tasks.RemoveAt(tasks.Count - 1);
        // The rest travel reversed, so the worker pops the next step off the end; an outer chain's
        // remaining steps (already in options) stay in front of ours, to run after them.
        var remaining = options["chain"] is JsonArray outer ? (JsonArray)outer.DeepClone() : [];
        foreach (var step in tasks) remaining.Add(step.ToJson());
        options["chain"] = remaining;
        // Celery leaves the parent to the task running the chain; we pass it on explicitly so the
        // first step names the same parent even when sent outside that task's flow.
        if (freeze.ParentId is not null) options["parent_id"] = freeze.ParentId;

        var sent = await first.Clone(null, null, options).SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false);
        return tasks.Count == 0 ? sent : TaskResults.From(app, app.Backend, results[0]);
    }

    /// <summary>Celery's <c>chain.apply</c>: each step run in place with the previous step's value.</summary>
    private async Task<ITaskResult> ApplyEagerAsync(CeleriacApp app, CancellationToken cancellationToken)
    {
        ITaskResult? last = null;
        for (var i = 0; i < _tasks.Count; i++)
        {
            var step = i == 0 ? _tasks[i].Clone(Args, Kwargs) : _tasks[i].Clone();
            if (last is not null) step = step.Clone([await last.GetAsync(null, cancellationToken).ConfigureAwait(false)]);
            var result = await step.SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false);
            switch (result)
            {
                case AsyncResult single: single.Parent = last; break;
                case GroupResult group: group.Parent = last; break;
            }
            last = result;
        }
        return last ?? throw new InvalidOperationException("an empty chain has nothing to run");
    }
}
