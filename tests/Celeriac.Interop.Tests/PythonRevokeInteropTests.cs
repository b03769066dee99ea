using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Python Celery 5.2.6 revoking tasks on a Celeriac worker (docs/protocol.md §5.7, §7.5), as a user does it:
/// <c>app.control.revoke(id)</c> (python/revoke_client.py), then the task sent; the Celeriac worker
/// replies as Celery's does, stores REVOKED and never runs it; with <c>terminate=True</c> a running
/// task is cancelled and stored REVOKED <c>terminated</c>. These need the worker's mailbox (the
/// control part of issue 11): on a branch without it the revoke gets no reply and they fail.
/// </summary>
public sealed class PythonRevokeInteropTests(CeleriacWorkerCluster cluster) : IClassFixture<CeleriacWorkerCluster>
{
    private const string Queue = CeleriacWorkerCluster.Queue;
    private PythonClient Python => cluster.PythonClient;

    [InteropFact]
    public async Task A_revoke_from_Python_then_the_task_sent_the_Celeriac_worker_stores_REVOKED_and_never_runs_it()
    {
        var id = Guid.NewGuid().ToString();
        var key = $"revoked-{Guid.NewGuid():N}";

        var replies = await RevokeAsync(id);

        replies.Should().ContainSingle("one Celeriac worker listens");
        replies[0]!.AsObject().Single().Value!.ToJsonString().Should().Be(new JsonObject { ["ok"] = $"tasks {id} flagged as revoked" }.ToJsonString());
        await Python.SendAsync(new { name = "interop.record", args = new object[] { key, "ran" }, queue = Queue, task_id = id });
        var result = await Python.GetOneAsync(id);

        result["state"]!.GetValue<string>().Should().Be("REVOKED", result.ToJsonString());
        result["exception"]!["type"]!.GetValue<string>().Should().Be("TaskRevokedError");
        result["exception"]!["message"]!.GetValue<string>().Should().Be("revoked");
        (await cluster.Records.ListAsync("LRANGE", key, "0", "-1")).Should().BeEmpty("the task never ran");
    }

    [InteropFact]
    public async Task Terminate_from_Python_cancels_the_running_task_and_it_is_stored_REVOKED_terminated()
    {
        var id = await Python.SendOneAsync(new { name = "interop.sleep", args = new object[] { 60 }, queue = Queue });
        await Poll.UntilAsync(async () => await cluster.QueueLengthAsync(Queue) == 0, TimeSpan.FromSeconds(20), () => "the worker took the task");

        var replies = await RevokeAsync(id, "--terminate");

        replies.Should().ContainSingle();
        replies[0]!.AsObject().Single().Value!.ToJsonString().Should().Be(new JsonObject { ["ok"] = $"terminate: {id}" }.ToJsonString());
        var result = await Python.GetOneAsync(id, timeoutSeconds: 20);
        result["state"]!.GetValue<string>().Should().Be("REVOKED", result.ToJsonString());
        result["exception"]!["message"]!.GetValue<string>().Should().Be("terminated");
    }

    private async Task<JsonArray> RevokeAsync(string id, params string[] options)
    {
        await using var process = ManagedProcess.Start("python revoke_client.py", Prerequisites.Python,
            ["revoke_client.py", id, .. options], Prerequisites.PythonDirectory,
            cluster.Endpoints.Environment(new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = "1" }));
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var json = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        if (code != 0 || json is null) throw new InvalidOperationException($"revoke_client.py failed (exit {code}):\n{process.Output}");
        return JsonNode.Parse(json)!["replies"]!.AsArray();
    }
}
