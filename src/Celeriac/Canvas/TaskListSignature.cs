using System.Text.Json.Nodes;

namespace Celeriac.Canvas;

/// <summary>
/// A composite made of a list of signatures, <c>kwargs.tasks</c> on the wire (docs/protocol.md §1.5): what
/// <see cref="Chain"/> and <see cref="Group"/> share.
/// </summary>
public abstract class TaskListSignature : Signature
{
    /// <summary>The list itself; the subclasses rebuild it when freezing (flattening, upgrading steps).</summary>
    private protected readonly List<Signature> _tasks;

    private protected TaskListSignature(string task, string subtaskType, string what, IEnumerable<Signature> tasks,
        JsonArray? args, JsonObject? kwargs, JsonObject? options, bool immutable)
        : base(task, args, kwargs, options, immutable, subtaskType)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        _tasks = tasks.Select(t => t ?? throw new ArgumentException($"a {what} is null", nameof(tasks))).ToList();
    }

    /// <summary>The signatures, in order.</summary>
    public IReadOnlyList<Signature> Tasks => _tasks;

    internal override CeleriacApp? BoundApp => App ?? _tasks.Select(t => t.BoundApp).FirstOrDefault(a => a is not null);

    /// <inheritdoc />
    public override JsonObject ToJson()
    {
        var json = base.ToJson();
        json["kwargs"] = Composite.Kwargs(Kwargs, ("tasks", new JsonArray(_tasks.Select(t => (JsonNode?)t.ToJson()).ToArray())));
        return json;
    }
}
