using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;

namespace Celeriac.Canvas;

/// <summary>
/// A task call that has not been sent yet (Celery's <c>signature</c>, docs/protocol.md §1.5): the task name,
/// partial args and kwargs, execution options and whether it is immutable. Its wire form is the
/// JSON object Python Celery writes, so a signature built here can be a callback, chain step or
/// chord body of a message a Python worker runs, and the other way round.
/// </summary>
/// <remarks>
/// Options stay a JSON object, keyed as Celery keys them (<c>task_id</c>, <c>queue</c>,
/// <c>countdown</c>, <c>link</c>, …), so options a Python producer set that Celeriac has no name
/// for survive a round trip through a Celeriac worker.
/// </remarks>
/// <example>
/// <code>
/// var add = app.Task("tasks.add", (int x, int y) => x + y);
/// var mul = app.Task("tasks.mul", (int x, int y) => x * y);
/// ITaskResult r = await (add.S(2, 2) | mul.S(4)).ApplyAsync();          // chain: (2 + 2) * 4
/// AsyncResult&lt;int&gt; one = await add.S(1).Set(new TaskSendOptions { Queue = "math" }).DelayAsync(2);
/// </code>
/// </example>
public partial class Signature
{
    /// <summary>Creates a signature of <paramref name="task"/> with partial arguments.</summary>
    public Signature(string task, JsonArray? args = null, JsonObject? kwargs = null, JsonObject? options = null, bool immutable = false)
        : this(task, args, kwargs, options, immutable, null)
    {
    }

    /// <summary>For composites: the same fields plus their <c>subtask_type</c>.</summary>
    protected Signature(string task, JsonArray? args, JsonObject? kwargs, JsonObject? options, bool immutable, string? subtaskType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        Task = task;
        Args = args ?? [];
        Kwargs = kwargs ?? [];
        Options = options ?? [];
        Immutable = immutable;
        SubtaskType = subtaskType;
    }

    /// <summary>The task name (<c>celery.group</c>, <c>celery.chain</c>, … for composites).</summary>
    public string Task { get; }

    /// <summary>Partial positional arguments; a parent's result is prepended to them unless <see cref="Immutable"/>.</summary>
    public JsonArray Args { get; }

    /// <summary>Partial keyword arguments.</summary>
    public JsonObject Kwargs { get; }

    /// <summary>Execution options as Celery keys them (any <c>apply_async</c> keyword).</summary>
    public JsonObject Options { get; }

    /// <summary>When true, a parent's result is not passed to this signature (Celery's <c>si()</c>).</summary>
    public bool Immutable { get; set; }

    /// <summary><c>null</c> for a task; <c>group</c>, <c>chain</c> or <c>chord</c> for composites.</summary>
    public string? SubtaskType { get; }

    /// <summary>The frozen task id (<c>options.task_id</c>; the group id for a group), or null before <see cref="Freeze"/>.</summary>
    public string? Id => Options["task_id"]?.GetValue<string>();

    /// <summary>The app this signature was created through (never serialized); it sends <see cref="ApplyAsync"/>.</summary>
    internal CeleriacApp? App { get; set; }

    /// <summary>
    /// Allocates the ids this signature will run under (Celery's <c>freeze</c>), so its result can
    /// be referenced before it is sent: a task's id; for a group its id and every member's; for a
    /// chain every step's (the chain's id is the last step's); for a chord the header group's and
    /// the body's (the chord's id is the body's). Idempotent. Returns the id.
    /// </summary>
    public string Freeze() => FreezeCore(new FreezeOptions { ReplyTo = BoundApp?.Publisher.Oid }).Id;

    /// <summary>
    /// Celery's <c>freeze(_id, group_id, chord, root_id, parent_id, group_index)</c>: writes the
    /// frozen ids into the options and returns the result tuple the signature will produce.
    /// </summary>
    internal virtual ResultTuple FreezeCore(FreezeOptions freeze)
    {
        var id = Id;
        if (id is null) Options["task_id"] = id = freeze.Id ?? Guid.NewGuid().ToString();
        // Python sets these only when truthy, and never replaces a reply_to or group_id already there.
        if (freeze.RootId is not null) Options["root_id"] = freeze.RootId;
        if (freeze.ParentId is not null) Options["parent_id"] = freeze.ParentId;
        if (freeze.ReplyTo is not null && !Options.ContainsKey("reply_to")) Options["reply_to"] = freeze.ReplyTo;
        if (freeze.GroupId is not null && !Options.ContainsKey("group_id")) Options["group_id"] = freeze.GroupId;
        if (freeze.Chord is not null) Options["chord"] = freeze.Chord.DeepClone();
        if (freeze.GroupIndex is { } index) Options["group_index"] = index;
        return new ResultTuple(id);
    }

    /// <summary>The app to send through: this signature's, or for a composite its first member's (as Celery finds it).</summary>
    internal virtual CeleriacApp? BoundApp => App;

    /// <summary>
    /// A copy with more arguments and options applied (Celery's <c>clone</c>, docs/protocol.md §1.5): extra args
    /// are prepended and extra kwargs merged (both skipped when immutable); extra options override
    /// the signature's, except a <c>group_id</c> it already has.
    /// </summary>
    public Signature Clone(JsonArray? args = null, JsonObject? kwargs = null, JsonObject? options = null)
    {
        var copy = FromJson(ToJson());
        copy.App = App;
        if (!Immutable)
        {
            if (args is { Count: > 0 })
                for (var i = args.Count - 1; i >= 0; i--) copy.Args.Insert(0, args[i]?.DeepClone());
            foreach (var (key, value) in kwargs ?? []) copy.Kwargs[key] = value?.DeepClone();
        }
        foreach (var (key, value) in options ?? [])
        {
            if (key == "group_id" && copy.Options["group_id"] is not null) continue;
            copy.Options[key] = value?.DeepClone();
        }
        return copy;
    }

    /// <summary>
    /// Adds a callback run with this signature's result (Celery's <c>link</c>); returns this
    /// signature. On a chain it runs after the last step; on a chord after the body; on a group
    /// Celery links it (immutable) to the first member only — use a chord to run after all.
    /// </summary>
    public virtual Signature Link(Signature callback) => AppendOption("link", callback);

    /// <summary>
    /// Adds an errback run with the failed task's id (Celery's <c>link_error</c>); returns this
    /// signature. On a chain and a group every task gets it; on a chord the body.
    /// </summary>
    public virtual Signature LinkError(Signature errback) => AppendOption("link_error", errback);

    /// <summary>The callbacks added with <see cref="Link"/>.</summary>
    public IReadOnlyList<Signature> Callbacks => OptionList("link");

    /// <summary>The errbacks added with <see cref="LinkError"/>.</summary>
    public IReadOnlyList<Signature> Errbacks => OptionList("link_error");

    /// <summary>The wire form: <c>{"task", "args", "kwargs", "options", "subtask_type", "immutable"}</c> (docs/protocol.md §1.5).</summary>
    public virtual JsonObject ToJson() => new()
    {
        ["task"] = Task,
        ["args"] = Args.DeepClone(),
        ["kwargs"] = Kwargs.DeepClone(),
        ["options"] = Options.DeepClone(),
        ["subtask_type"] = SubtaskType,
        ["immutable"] = Immutable,
    };

    /// <summary>
    /// Reads a signature from its wire form. Throws <see cref="InvalidMessageException"/> when it
    /// has no task name or a field has the wrong type.
    /// </summary>
    public static Signature FromJson(JsonNode? node)
    {
        if (node is not JsonObject obj) throw new InvalidMessageException($"a signature must be a JSON object, got {node?.GetValueKind().ToString() ?? "null"}");
        if (obj["task"] is not JsonValue taskValue || !taskValue.TryGetValue<string>(out var task) || task.Length == 0)
            throw new InvalidMessageException("a signature has no 'task' name");
        var args = obj["args"] switch
        {
            null => [],
            JsonArray a => (JsonArray)a.DeepClone(),
            _ => throw new InvalidMessageException($"signature '{task}' has 'args' that is not a list"),
        };
        var kwargs = obj["kwargs"] switch
        {
            null => [],
            JsonObject k => (JsonObject)k.DeepClone(),
            _ => throw new InvalidMessageException($"signature '{task}' has 'kwargs' that is not an object"),
        };
        var options = obj["options"] switch
        {
            null => [],
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => throw new InvalidMessageException($"signature '{task}' has 'options' that is not an object"),
        };
        var immutable = obj["immutable"] is JsonValue im && im.TryGetValue<bool>(out var flag) && flag;
        var subtaskType = obj["subtask_type"] is JsonValue st && st.TryGetValue<string>(out var type) ? type : null;
        return SignatureKinds.Create(subtaskType, task, args, kwargs, options, immutable);
    }

    /// <summary>
    /// Sends the signature as it stands, as Celery's <c>apply_async</c> does for its kind: one
    /// message for a task, the first step of a chain, every member of a group, a chord's header.
    /// Returns the result: a <see cref="GroupResult"/> for a group. Runs in place when the app is
    /// eager. The worker sends callbacks, chain steps, chord bodies and replacements through here,
    /// after <see cref="Clone"/> applied their extra arguments and options.
    /// </summary>
    internal virtual Task<ITaskResult> SendWorkflowAsync(CeleriacApp app, CancellationToken cancellationToken)
    {
        App ??= app;
        if (SubtaskType is not null)
            throw new NotSupportedException($"Signatures of kind '{SubtaskType}' cannot be sent by this version of Celeriac.");
        return SendPlainAsync(app, Options, cancellationToken);
    }

    /// <summary>One task message for this signature's task, arguments and <paramref name="options"/>.</summary>
    private protected async Task<ITaskResult> SendPlainAsync(CeleriacApp app, JsonObject options, CancellationToken cancellationToken) =>
        await app.SendAsync(Task, (JsonArray)Args.DeepClone(), (JsonObject)Kwargs.DeepClone(), SignatureOptions.ToSendOptions(options), cancellationToken)
            .ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => $"{Task}({string.Join(", ", Args.Select(a => a is null ? "None" : Celeriac.Protocol.Json.CeleryJson.ToJsonString(a)))})";

    private Signature AppendOption(string key, Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        // Python keeps one signature as-is and turns a second into a list; a list always reads back.
        var list = Options[key] switch
        {
            JsonArray a => a,
            JsonObject o => new JsonArray(o.DeepClone()),
            _ => [],
        };
        list.Add(signature.ToJson());
        Options[key] = list;
        return this;
    }

    private IReadOnlyList<Signature> OptionList(string key) => Options[key] switch
    {
        JsonArray a => a.Select(FromJson).ToList(),
        JsonObject o => [FromJson(o)],
        _ => [],
    };
}
