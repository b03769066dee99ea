using System.Text.Json.Nodes;

namespace Celeriac.Canvas;

/// <summary>
/// What <see cref="Map"/> and <see cref="Starmap"/> share: one message of a built-in task that
/// calls <see cref="Task"/> for every item in turn, in one worker (not in parallel — that is a
/// <see cref="Group"/>). Immutable; kwargs <c>{"task": sig, "it": [...]}</c>. It is routed as the
/// inner task would be, as Celery routes it by the inner task's name.
/// </summary>
public abstract class MapSignature : Signature
{
    private protected MapSignature(string builtin, Signature task, JsonArray items, JsonObject? options)
        : base(builtin, [], new JsonObject { ["task"] = Checked(task).ToJson(), ["it"] = items?.DeepClone() ?? throw new ArgumentNullException(nameof(items)) }, options, true)
    {
        App = task.BoundApp;
    }

    /// <summary>The signature called for every item.</summary>
    public Signature Item => FromJson(Kwargs["task"]);

    /// <summary>The items.</summary>
    public JsonArray Items => (JsonArray)Kwargs["it"]!;

    internal override Task<ITaskResult> SendWorkflowAsync(CeleriacApp app, CancellationToken cancellationToken)
    {
        App ??= app;
        var options = (JsonObject)Options.DeepClone();
        if (options["queue"] is null && options["exchange"] is null)
        {
            var inner = Item.Task;
            var definition = app.Tasks.Find(inner);
            var route = app.Publisher.Route(inner, null, definition);
            if (route.Exchange.Length == 0) options["queue"] = route.RoutingKey;
        }
        return SendPlainAsync(app, options, cancellationToken);
    }

    private static Signature Checked(Signature task) => task ?? throw new ArgumentNullException(nameof(task));
}
