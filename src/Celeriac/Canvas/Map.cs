using System.Text.Json.Nodes;

namespace Celeriac.Canvas;

/// <summary>
/// Calls a task once per item, in one worker, returning the list of results (Celery's <c>xmap</c>,
/// built-in task <c>celery.map</c>).
/// </summary>
/// <example><code>var squares = await square.Map([1, 2, 3]).ApplyAsync&lt;int[]&gt;();</code></example>
public sealed class Map : MapSignature
{
    /// <summary>A map of <paramref name="task"/> over <paramref name="items"/> (each item is the single argument).</summary>
    public Map(Signature task, JsonArray items, JsonObject? options = null) : base("celery.map", task, items, options) { }
}
