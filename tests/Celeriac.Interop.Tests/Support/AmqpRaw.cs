using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support;

/// <summary>Raw AMQP from py-amqp (<c>python/amqp_raw.py</c>): messages Celery would never send, and a look at what is queued.</summary>
internal sealed class AmqpRaw(Endpoints endpoints)
{
    /// <summary>Publishes each spec to <paramref name="queue"/> (see amqp_raw.py publish).</summary>
    public Task<JsonObject> PublishAsync(string queue, params object[] specs) =>
        PythonClient.RunScriptAsync(endpoints, "amqp_raw.py", "publish", queue, JsonSerializer.Serialize(specs));

    /// <summary>The task id and redelivered flag of every ready message in <paramref name="queue"/>; they stay queued.</summary>
    public async Task<IReadOnlyList<(string? Id, bool Redelivered)>> PeekAsync(string queue)
    {
        var reply = await PythonClient.RunScriptAsync(endpoints, "amqp_raw.py", "peek", queue);
        return reply["messages"]!.AsArray().Select(m => ((string?)m!["id"], m["redelivered"]!.GetValue<bool>())).ToList();
    }
}
