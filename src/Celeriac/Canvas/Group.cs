using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Canvas;

/// <summary>
/// Tasks run in parallel (Celery's <c>group</c>, wire task <c>celery.group</c>, docs/protocol.md §1.8): applying
/// it sends one message per member, each with header <c>group</c> = the group id, and returns a
/// <see cref="GroupResult"/>. Nested groups are flattened. Partial arguments given when applying
/// go to every mutable member.
/// </summary>
/// <example>
/// <code>
/// GroupResult g = (GroupResult)await new Group(add.S(1, 1), add.S(2, 2)).ApplyAsync();
/// JsonArray sums = await g.JoinAsync(TimeSpan.FromSeconds(10));
/// </code>
/// </example>
public sealed class Group : TaskListSignature
{
    /// <summary>Creates a group of <paramref name="tasks"/>.</summary>
    public Group(params IEnumerable<Signature> tasks) : this(tasks, null, null, null, false) { }

    internal Group(IEnumerable<Signature> tasks, JsonArray? args, JsonObject? kwargs, JsonObject? options, bool immutable)
        : base("celery.group", "group", "group member", tasks, args, kwargs, options, immutable)
    {
    }

    /// <summary>Celery's <c>group.link</c>: an immutable copy of <paramref name="callback"/> on the first member only.</summary>
    public override Signature Link(Signature callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (_tasks.Count == 0) throw new InvalidOperationException("an empty group has no member to link a callback to");
        var copy = callback.Clone();
        copy.Immutable = true;
        _tasks[0].Link(copy);
        return this;
    }

    /// <summary>Every member gets <paramref name="errback"/>: any of them may fail.</summary>
    public override Signature LinkError(Signature errback)
    {
        foreach (var task in _tasks) task.LinkError(errback);
        return this;
    }

    /// <summary>A group of one is that one (Celery's <c>maybe_unroll_group</c>).</summary>
    internal static Signature MaybeUnroll(Group group) => group._tasks.Count == 1 ? group._tasks[0] : group;

    /// <summary>group | task → chord with that body.</summary>
    private protected override Signature Pipe(Signature next) => new Chord(this, next);

    /// <summary>
    /// Celery's <c>_freeze_group_tasks</c>: the group id (its own, else the given group id, else new),
    /// nested groups flattened in <see cref="FreezeOrder"/>, every member frozen with the group id
    /// given (not its own), the chord, root, parent and its index.
    /// </summary>
    internal override ResultTuple FreezeCore(FreezeOptions freeze)
    {
        var id = Id;
        if (id is null) Options["task_id"] = id = freeze.GroupId ?? Guid.NewGuid().ToString();
        if (freeze.GroupId is not null) Options["group_id"] = freeze.GroupId;
        if (freeze.Chord is not null) Options["chord"] = freeze.Chord.DeepClone();
        if (freeze.GroupIndex is { } groupIndex) Options["group_index"] = groupIndex;
        // Python's setdefault: the key is written even when the value is None (vector task_v2_10).
        if (!Options.ContainsKey("root_id")) Options["root_id"] = freeze.RootId;
        if (!Options.ContainsKey("parent_id")) Options["parent_id"] = freeze.ParentId;
        var rootId = Options["root_id"]?.GetValue<string>();
        var parentId = Options["parent_id"]?.GetValue<string>();

        var flat = FreezeOrder(_tasks).Select(t => t.Clone()).ToList();
        var results = new List<ResultTuple>(flat.Count);
        for (var i = 0; i < flat.Count; i++)
            results.Add(flat[i].FreezeCore(freeze with { Id = null, RootId = rootId, ParentId = parentId, GroupIndex = i }));
        _tasks.Clear();
        _tasks.AddRange(flat);
        return new ResultTuple(id, null, results);
    }

    internal override async Task<ITaskResult> SendWorkflowAsync(CeleriacApp app, CancellationToken cancellationToken)
    {
        App ??= app;
        if (app.Options.AlwaysEager) return await ApplyEagerAsync(app, cancellationToken).ConfigureAwait(false);
        if (_tasks.Count == 0) return TaskResults.From(app, app.Backend, FreezeCore(new FreezeOptions { ReplyTo = app.Publisher.Oid }));

        var (options, groupId, rootId) = FreezeGroupId();
        var results = new List<ResultTuple>();
        var prepared = Prepare(groupId, rootId, app);
        var chordSize = 0;
        for (var i = 0; i < prepared.Count; i++)
        {
            var (member, result) = prepared[i];
            // A chord given to the group (a chord's header) wins over one a member carries (Celery's _apply_tasks).
            var chord = options["chord"] as JsonObject ?? member.Options["chord"] as JsonObject;
            // Every member counts toward a chord it is the header of; the size is recorded before
            // the last header task is sent, so no part can complete the chord before it is known.
            chordSize += Chord.CountHeaderParts(member);
            if (chord is not null && i == prepared.Count - 1 && app.Backend is IChordJoin join)
                await join.SetChordSizeAsync(groupId, chordSize, cancellationToken).ConfigureAwait(false);
            var memberOptions = (JsonObject)options.DeepClone();
            if (chord is not null) memberOptions["chord"] = chord.DeepClone();
            await member.Clone(Args, Kwargs, memberOptions).SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false);
            results.Add(result);
        }
        var group = new ResultTuple(groupId, null, results);
        return TaskResults.From(app, app.Backend, results is [{ IsGroup: true } only] ? only : group);
    }

    /// <summary>Celery's <c>group.apply</c>: every member run in place, in order.</summary>
    private async Task<ITaskResult> ApplyEagerAsync(CeleriacApp app, CancellationToken cancellationToken)
    {
        if (_tasks.Count == 0) return TaskResults.From(app, app.Backend, FreezeCore(new FreezeOptions { ReplyTo = app.Publisher.Oid }));
        var (options, groupId, rootId) = FreezeGroupId();
        var results = new List<ITaskResult>();
        foreach (var (member, _) in Prepare(groupId, rootId, app))
            results.Add(await member.Clone(Args, Kwargs, (JsonObject)options.DeepClone()).SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false));
        return new GroupResult(app, app.Backend, groupId, results);
    }

    /// <summary>Celery's <c>_freeze_gid</c>: the group's own <c>task_id</c> becomes every member's <c>group_id</c>.</summary>
    private (JsonObject Options, string GroupId, string? RootId) FreezeGroupId()
    {
        var options = (JsonObject)Options.DeepClone();
        var groupId = options["task_id"]?.GetValue<string>() ?? Guid.NewGuid().ToString();
        options.Remove("task_id");
        options["group_id"] = groupId;
        return (options, groupId, options["root_id"]?.GetValue<string>());
    }

    /// <summary>Celery's <c>_prepared</c>: members copied (nested groups flattened) and frozen into the group.</summary>
    private List<(Signature Member, ResultTuple Result)> Prepare(string groupId, string? rootId, CeleriacApp app) =>
        Flatten(_tasks).Select(t =>
        {
            var member = t.Clone();
            return (member, member.FreezeCore(new FreezeOptions { GroupId = groupId, RootId = rootId, ReplyTo = app.Publisher.Oid }));
        }).ToList();

    private static IEnumerable<Signature> Flatten(IEnumerable<Signature> tasks) =>
        tasks.SelectMany(t => t is Group nested ? Flatten(nested._tasks) : [t]);

    /// <summary>
    /// Celery 5.2.6's <c>_freeze_unroll</c>: a queue of the members, where a nested group's members go
    /// back to the front with <c>extendleft</c>, which reverses them. So freezing
    /// <c>group(group(a, b), c)</c> gives <c>b, a, c</c> (indexes 0, 1, 2), and a chord with that header
    /// hands its body <c>[b, a, c]</c>, as Python's does. (Sending an unfrozen group keeps the order:
    /// <see cref="Flatten"/>, Celery's <c>_prepared</c>.)
    /// </summary>
    private static IEnumerable<Signature> FreezeOrder(IEnumerable<Signature> tasks)
    {
        var queue = new LinkedList<Signature>(tasks);
        while (queue.First is { } first)
        {
            queue.RemoveFirst();
            if (first.Value is Group nested)
                foreach (var task in nested._tasks) queue.AddFirst(task);
            else
                yield return first.Value;
        }
    }
}
