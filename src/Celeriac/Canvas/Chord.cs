using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Canvas;

/// <summary>
/// A group whose results, once all are in, are passed as one list to a body (Celery's
/// <c>chord</c>, wire task <c>celery.chord</c>, docs/protocol.md §1.9). Applying it records the header size
/// in the result backend, sends every header task with <c>group_index</c> and <c>embed.chord</c> =
/// the body; the worker that finishes the last part sends the body. With a backend that has no
/// native join, a <c>celery.chord_unlock</c> task polls instead (docs/protocol.md §4.9). Needs a result backend.
/// </summary>
/// <example>
/// <code>
/// var total = (AsyncResult)await new Chord(new Group(add.S(1, 1), add.S(2, 2)), tsum.S()).ApplyAsync();
/// int six = await total.GetAsync&lt;int&gt;(TimeSpan.FromSeconds(10));
/// </code>
/// </example>
public sealed class Chord : Signature
{
    /// <summary>Creates a chord: <paramref name="header"/> in parallel, then <paramref name="body"/> with their results.</summary>
    public Chord(Group header, Signature body) : this(header, body, null) { }

    /// <summary>Creates a chord whose header is these signatures.</summary>
    public Chord(IEnumerable<Signature> header, Signature body) : this(new Group(header), body, null) { }

    internal Chord(Group header, Signature body, JsonObject? options, JsonArray? args = null, JsonObject? kwargs = null, bool immutable = false)
        : base("celery.chord", args, kwargs, options, immutable, "chord")
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(body);
        Header = header;
        Body = body;
    }

    /// <summary>The tasks run in parallel.</summary>
    public Group Header { get; private set; }

    /// <summary>The task run with the list of the header's results.</summary>
    public Signature Body { get; private set; }

    internal override CeleriacApp? BoundApp => App ?? Header.BoundApp ?? Body.BoundApp;

    /// <summary>The chord's <c>kwargs</c>: <c>{"kwargs": {...}, "header": group, "body": sig}</c> (the inner kwargs are <see cref="Signature.Kwargs"/>).</summary>
    public override JsonObject ToJson()
    {
        var json = base.ToJson();
        json["kwargs"] = new JsonObject { ["kwargs"] = Kwargs.DeepClone(), ["header"] = Header.ToJson(), ["body"] = Body.ToJson() };
        return json;
    }

    /// <summary>The callback runs after the body.</summary>
    public override Signature Link(Signature callback)
    {
        Body.Link(callback);
        return this;
    }

    /// <summary>The errback is the body's: a failed header part fails the body with a ChordError.</summary>
    public override Signature LinkError(Signature errback)
    {
        Body.LinkError(errback);
        return this;
    }

    internal Chord WithBody(Signature body)
    {
        var copy = (Chord)Clone();
        copy.Body = body;
        return copy;
    }

    /// <summary>chord | task chains the task onto the body; anything else composes as a task would.</summary>
    private protected override Signature Pipe(Signature next) =>
        next is Group or Chain ? base.Pipe(next) : WithBody(Body | next);

    /// <summary>
    /// How many parts a header member adds to a chord (Celery's <c>_descend</c>): a task 1, a group
    /// the sum of its members, a chain its last non-empty step, a chord its body.
    /// </summary>
    internal static int CountHeaderParts(Signature member) => member switch
    {
        Group group => group.Tasks.Sum(CountHeaderParts),
        Chain chain => chain.Tasks.Reverse().Select(CountHeaderParts).FirstOrDefault(n => n > 0),
        Chord chord => CountHeaderParts(chord.Body),
        _ => 1,
    };

    /// <summary>Celery's <c>chord.freeze</c>: the header group and the body frozen; the chord's id is the header's.</summary>
    internal override ResultTuple FreezeCore(FreezeOptions freeze)
    {
        // The body is frozen first so the header's members embed it with its id (Python shares one dict).
        var body = Body.FreezeCore(freeze with { ParentId = null });
        var header = Header.FreezeCore(new FreezeOptions { ParentId = freeze.ParentId, RootId = freeze.RootId, Chord = Body.ToJson(), ReplyTo = freeze.ReplyTo });
        Options["task_id"] = header.Id;
        return TaskResults.WithRootParent(body, header);
    }

    internal override async Task<ITaskResult> SendWorkflowAsync(CeleriacApp app, CancellationToken cancellationToken)
    {
        App ??= app;
        if (app.Options.AlwaysEager) return await ApplyEagerAsync(app, cancellationToken).ConfigureAwait(false);
        var options = (JsonObject)Options.DeepClone();
        var taskId = options["task_id"]?.GetValue<string>();
        options.Remove("task_id");
        return await ChordRun.RunAsync(app, (Group)Header.Clone(), Body.Clone(), Args, options, taskId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Celery's <c>chord.apply</c>: the header run in place, then the body with its values.</summary>
    private async Task<ITaskResult> ApplyEagerAsync(CeleriacApp app, CancellationToken cancellationToken)
    {
        var header = (GroupResult)await Header.Clone(Args).SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false);
        var values = await header.JoinAsync(null, true, cancellationToken).ConfigureAwait(false);
        var body = await Body.Clone([values]).SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false);
        if (body is AsyncResult single) single.Parent = header;
        return body;
    }
}
