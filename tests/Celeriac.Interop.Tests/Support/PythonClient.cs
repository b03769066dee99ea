using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// Python Celery 5.2 as a client: runs <c>python/client.py</c> (send, get, state, watch), which
/// prints one JSON object. See that file for the commands.
/// </summary>
internal sealed class PythonClient(Endpoints endpoints)
{
    /// <summary>Sends one task per spec (<c>name, args, kwargs, countdown, expires, priority, queue, task_id</c>); returns the ids and when sending began (epoch seconds).</summary>
    public async Task<(IReadOnlyList<string> Ids, double SentAt)> SendAsync(params object[] specs)
    {
        var reply = await RunAsync("send", JsonSerializer.Serialize(specs));
        return (reply["ids"]!.AsArray().Select(id => id!.GetValue<string>()).ToList(), reply["sent_at"]!.GetValue<double>());
    }

    /// <summary>
    /// As <see cref="SendAsync"/>, with the specs as JSON text that Python's <c>json.loads</c> reads,
    /// so it may hold what only Python's json has (<c>NaN</c>, <c>Infinity</c>).
    /// </summary>
    public async Task<IReadOnlyList<string>> SendJsonAsync(string specsJson)
    {
        var reply = await RunAsync("send", specsJson);
        return reply["ids"]!.AsArray().Select(id => id!.GetValue<string>()).ToList();
    }

    /// <summary>As <see cref="SendAsync"/> for many specs: they go through a file (one argument holds at most 128 KiB).</summary>
    public async Task<IReadOnlyList<string>> SendManyAsync(IEnumerable<object> specs)
    {
        var path = Path.Combine(Path.GetTempPath(), $"celeriac-specs-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(specs));
        try
        {
            var reply = await RunAsync("send", "@" + path);
            return reply["ids"]!.AsArray().Select(id => id!.GetValue<string>()).ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Sends one task and returns its id.</summary>
    public async Task<string> SendOneAsync(object spec) => (await SendAsync(spec)).Ids.Single();

    /// <summary><c>AsyncResult(id).get()</c> for each id, as Python saw it.</summary>
    public async Task<IReadOnlyList<JsonObject>> GetAsync(IEnumerable<string> ids, double timeoutSeconds = 20, string? expectJson = null)
    {
        List<string> arguments = ["get", .. ids, "--timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (expectJson is not null) arguments.AddRange(["--expect", expectJson]);
        var reply = await RunAsync([.. arguments]);
        return reply["results"]!.AsArray().Select(o => o!.AsObject()).ToList();
    }

    public async Task<JsonObject> GetOneAsync(string id, double timeoutSeconds = 20, string? expectJson = null) =>
        (await GetAsync([id], timeoutSeconds, expectJson)).Single();

    /// <summary>The state and info Python reads now, without waiting.</summary>
    public Task<JsonObject> StateAsync(string id) => RunAsync("state", id);

    /// <summary>Sends a chain, chord, saved group or linked task (see client.py canvas); returns the final result's id (the group's for a group) and <c>ids</c>: the callback's (<c>link</c>), a chord's or group's members (<c>header</c>).</summary>
    public Task<JsonObject> CanvasAsync(object spec) => RunAsync("canvas", JsonSerializer.Serialize(spec));

    /// <summary>
    /// Builds the canvas <paramref name="spec"/> describes (nested <c>task</c>, <c>chain</c>, <c>group</c>,
    /// <c>chord</c>, <c>map</c>, <c>starmap</c>, <c>chunks</c>: see client.py compose), every task routed
    /// to <paramref name="queue"/>, applies it and waits for the final result: returns <c>outcome</c>
    /// (as <see cref="GetAsync"/> reads it) and <c>tree</c>, the result with its parents and members.
    /// </summary>
    public Task<JsonObject> ComposeAsync(object spec, string queue, double timeoutSeconds = 20) =>
        RunAsync("compose", spec as string ?? JsonSerializer.Serialize(spec), "--queue", queue, "--timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// <c>GroupResult.restore(id).join()</c> as Python does it: <c>found</c>, <c>ids</c> (the members'),
    /// <c>results</c>, <c>completed_count</c>, or <c>exception</c> / <c>timeout</c> as <see cref="GetAsync"/>.
    /// </summary>
    public Task<JsonObject> GroupRestoreAsync(string groupId, double timeoutSeconds = 20) =>
        RunAsync("group-restore", groupId, "--timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Stores a state for a task id the way a Python task's <c>update_state</c> does.</summary>
    public Task<JsonObject> StoreStateAsync(string id, string state, string metaJson) => RunAsync("store-state", id, state, metaJson);

    /// <summary>Subscribes to the task's result channel, sends it, and returns every state published until it is ready.</summary>
    public Task<JsonObject> WatchAsync(object spec, double timeoutSeconds = 20) =>
        RunAsync("watch", JsonSerializer.Serialize(spec), "--timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private Task<JsonObject> RunAsync(params string[] arguments) => RunScriptAsync(endpoints, "client.py", arguments);

    /// <summary>Runs one of the <c>python/*.py</c> scripts that print one JSON object, with <paramref name="endpoints"/> in its environment.</summary>
    internal static async Task<JsonObject> RunScriptAsync(Endpoints endpoints, string script, params string[] arguments)
    {
        await using var process = ManagedProcess.Start($"python {script} {arguments[0]}", Prerequisites.Python,
            [script, .. arguments], Prerequisites.PythonDirectory, endpoints.Environment(new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = "1" }));
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        var lines = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var json = lines.LastOrDefault(l => l.StartsWith('{'));
        if (code != 0 || json is null) throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed (exit {code}):\n{process.Output}");
        // CeleryJson reads the NaN and Infinity that json.dumps writes for such results.
        return Celeriac.Protocol.Json.CeleryJson.Parse(json)!.AsObject();
    }
}
