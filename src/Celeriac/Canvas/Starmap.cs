using System.Text.Json.Nodes;

namespace Celeriac.Canvas;

/// <summary>
/// Calls a task once per argument list, in one worker, returning the list of results (Celery's
/// <c>xstarmap</c>, built-in task <c>celery.starmap</c>).
/// </summary>
/// <example><code>var sums = await add.Starmap([[1, 1], [2, 2]]).ApplyAsync&lt;int[]&gt;();</code></example>
public sealed class Starmap : MapSignature
{
    /// <summary>A starmap of <paramref name="task"/> over <paramref name="items"/> (each item is an argument list).</summary>
    public Starmap(Signature task, JsonArray items, JsonObject? options = null) : base("celery.starmap", task, items, options) { }
}
