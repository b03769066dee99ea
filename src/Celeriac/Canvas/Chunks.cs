using System.Text.Json.Nodes;

namespace Celeriac.Canvas;

/// <summary>
/// Splits argument lists into chunks of <c>n</c> and runs each chunk as a <see cref="Starmap"/>,
/// the chunks in parallel as a group (Celery's <c>chunks</c>, wire task <c>celery.chunks</c>,
/// kwargs <c>{"task", "it", "n"}</c>). Applying it sends the group of starmaps and returns its
/// <see cref="GroupResult"/>; a worker receiving a <c>celery.chunks</c> message does the same.
/// </summary>
/// <example><code>GroupResult parts = (GroupResult)await add.Chunks([[1, 1], [2, 2], [3, 3]], 2).ApplyAsync();</code></example>
public sealed class Chunks : Signature
{
    /// <summary>Chunks of <paramref name="n"/> argument lists from <paramref name="items"/> for <paramref name="task"/>.</summary>
    public Chunks(Signature task, JsonArray items, int n, JsonObject? options = null)
        : base("celery.chunks", [], new JsonObject { ["task"] = task?.ToJson() ?? throw new ArgumentNullException(nameof(task)), ["it"] = items?.DeepClone() ?? throw new ArgumentNullException(nameof(items)), ["n"] = n }, options, true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        App = task.BoundApp;
    }

    /// <summary>The chunks as the group of starmaps they run as (Celery's <c>chunks.group()</c>).</summary>
    public Group ToGroup()
    {
        var task = FromJson(Kwargs["task"]);
        var items = (JsonArray)Kwargs["it"]!;
        var n = Kwargs["n"]!.GetValue<int>();
        var parts = items.Chunk(n).Select(part => (Signature)new Starmap(task, new JsonArray(part.Select(i => i?.DeepClone()).ToArray())));
        return new Group(parts) { App = App };
    }

    internal override Task<ITaskResult> SendWorkflowAsync(CeleriacApp app, CancellationToken cancellationToken)
    {
        App ??= app;
        var group = ToGroup();
        foreach (var (key, value) in Options) group.Options[key] = value?.DeepClone();
        return group.SendWorkflowAsync(app, cancellationToken);
    }
}
