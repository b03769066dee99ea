using System.Net;
using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Web;

/// <summary>Flower's task endpoints: same paths, parameters and shapes (flower/api/tasks.py), on a real worker.</summary>
public sealed class FlowerTaskApiTests(DashboardCluster cluster) : IClassFixture<DashboardCluster>
{
    private HttpClient Client => cluster.Client;

    [RedisFact]
    public async Task Tasks_lists_a_dict_by_id_in_flowers_shape_with_its_filters()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await cluster.App.SendTaskAsync("dash.add", [i, 1])).Id);
        foreach (var id in ids) await cluster.WaitForStateAsync(id, "SUCCESS");
        var all = (JsonObject)await ApiAssert.JsonAsync(await Client.GetAsync("api/tasks?taskname=dash.add&state=SUCCESS&workername=dash-worker@test"));
        Assert.All(ids, id => Assert.True(all.ContainsKey(id)));
        var task = (JsonObject)all[ids[0]]!;
        foreach (var key in new[] { "uuid", "name", "state", "received", "sent", "started", "succeeded", "failed", "retried", "revoked", "args", "kwargs",
                     "result", "exception", "traceback", "runtime", "worker", "root_id", "parent_id", "timestamp", "retries", "eta", "expires" })
            Assert.True(task.ContainsKey(key), $"no '{key}' in {task.ToJsonString()}");
        Assert.Equal(ids[0], task["uuid"]!.GetValue<string>());
        Assert.Equal("dash-worker@test", task["worker"]!.GetValue<string>());
        Assert.True(task["succeeded"]!.GetValue<double>() > 1_600_000_000); // Unix seconds
        Assert.Null(task["failed"]);
        // limit/offset page over the newest first; sort_by name ascending; 'All' is no filter.
        var two = (JsonObject)await ApiAssert.JsonAsync(await Client.GetAsync("api/tasks?taskname=dash.add&limit=2"));
        Assert.Equal(2, two.Count);
        var skipped = (JsonObject)await ApiAssert.JsonAsync(await Client.GetAsync("api/tasks?taskname=dash.add&limit=2&offset=1"));
        Assert.Equal(two.ElementAt(1).Key, skipped.ElementAt(0).Key);
        var everyone = (JsonObject)await ApiAssert.JsonAsync(await Client.GetAsync("api/tasks?state=All&workername=All&sort_by=name"));
        Assert.True(everyone.Count >= 3);
        var received = (JsonObject)await ApiAssert.JsonAsync(await Client.GetAsync($"api/tasks?taskname=dash.add&received_start={DateTime.UtcNow.AddHours(-1):yyyy-MM-dd HH:mm}&received_end={DateTime.UtcNow.AddHours(1):yyyy-MM-dd HH:mm}"));
        Assert.All(ids, id => Assert.True(received.ContainsKey(id)));
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/tasks?limit=-1"), HttpStatusCode.BadRequest, "limit");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/tasks?sort_by=colour"), HttpStatusCode.BadRequest, "sort_by");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/tasks?received_start=soon"), HttpStatusCode.BadRequest, "received_start");
    }

    [RedisFact]
    public async Task Types_info_and_result()
    {
        var sent = await cluster.App.SendTaskAsync("dash.add", [40, 2]);
        await cluster.WaitForStateAsync(sent.Id, "SUCCESS");
        var types = await ApiAssert.JsonAsync(await Client.GetAsync("api/task/types"));
        Assert.Contains(types["task-types"]!.AsArray(), t => t!.GetValue<string>() == "dash.add");
        var info = await ApiAssert.JsonAsync(await Client.GetAsync($"api/task/info/{sent.Id}"));
        Assert.Equal(sent.Id, info["task-id"]!.GetValue<string>());
        Assert.Equal("SUCCESS", info["state"]!.GetValue<string>());
        var result = await ApiAssert.JsonAsync(await Client.GetAsync($"api/task/result/{sent.Id}"));
        Assert.Equal("{\"task-id\":\"" + sent.Id + "\",\"state\":\"SUCCESS\",\"result\":42}", result.ToJsonString());
        var failed = await cluster.App.SendTaskAsync("dash.fail", ["nope"]);
        var failure = await ApiAssert.JsonAsync(await Client.GetAsync($"api/task/result/{failed.Id}?timeout=20"));
        Assert.Equal("FAILURE", failure["state"]!.GetValue<string>());
        Assert.Contains("nope", failure["traceback"]!.GetValue<string>(), StringComparison.Ordinal);
        var pending = await ApiAssert.JsonAsync(await Client.GetAsync("api/task/result/never-sent"));
        Assert.Equal("{\"task-id\":\"never-sent\",\"state\":\"PENDING\"}", pending.ToJsonString());
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/task/result/never-sent?timeout=0.2"), HttpStatusCode.GatewayTimeout, "not ready");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/task/result/x?timeout=abc"), HttpStatusCode.BadRequest, "timeout");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/task/info/never-sent"), HttpStatusCode.NotFound, "Unknown task");
    }

    [RedisFact]
    public async Task Apply_async_apply_and_send_task()
    {
        var applied = await ApiAssert.JsonAsync(await Client.PostJsonAsync("api/task/apply/dash.add", new { args = new[] { 2, 2 } }));
        Assert.Equal("SUCCESS", applied["state"]!.GetValue<string>());
        Assert.Equal(4, applied["result"]!.GetValue<int>());
        var queued = await ApiAssert.JsonAsync(await Client.PostJsonAsync("api/task/async-apply/dash.add", new { args = new[] { 3 }, kwargs = new { y = 4 }, countdown = 0.1 }));
        Assert.Equal("PENDING", queued["state"]!.GetValue<string>());
        Assert.Equal(7, (await cluster.App.Result(queued["task-id"]!.GetValue<string>()).GetAsync(TimeSpan.FromSeconds(30)))!.GetValue<int>());
        var byName = await ApiAssert.JsonAsync(await Client.PostJsonAsync("api/task/send-task/dash.add", new { args = new[] { 5, 5 }, task_id = "flower-chosen-id" }));
        Assert.Equal("flower-chosen-id", byName["task-id"]!.GetValue<string>());
        Assert.Equal(10, (await cluster.App.Result("flower-chosen-id").GetAsync(TimeSpan.FromSeconds(30)))!.GetValue<int>());
        await ApiAssert.ErrorAsync(await Client.PostJsonAsync("api/task/async-apply/dash.add", new { args = "1,2" }), HttpStatusCode.BadRequest, "args must be an array");
        await ApiAssert.ErrorAsync(await Client.PostJsonAsync("api/task/async-apply/dash.add", new { eta = "next tuesday" }), HttpStatusCode.BadRequest, "Invalid option");
        var audit = (await cluster.Host.Store.QueryAuditAsync(limit: 1000)).Entries;
        Assert.Contains(audit, e => e is { Action: "task.send_task", Target: "dash.add", Outcome: "ok" } && e.Detail!.Contains("flower-chosen-id", StringComparison.Ordinal));
    }

    [RedisFact]
    public async Task Revoke_with_terminate_and_abort()
    {
        var running = await cluster.App.SendTaskAsync("dash.block");
        await cluster.WaitForStateAsync(running.Id, "STARTED");
        var revoked = await ApiAssert.JsonAsync(await Client.PostAsync($"api/task/revoke/{running.Id}?terminate=true&signal=SIGKILL", null));
        Assert.Equal($"Revoked '{running.Id}'", revoked["message"]!.GetValue<string>());
        await cluster.WaitForStateAsync(running.Id, "REVOKED");
        await ApiAssert.ErrorAsync(await Client.PostAsync("api/task/revoke/x?terminate=maybe", null), HttpStatusCode.BadRequest, "terminate");
        var aborted = await ApiAssert.JsonAsync(await Client.PostAsync("api/task/abort/abortable-1", null));
        Assert.Equal("Aborted 'abortable-1'", aborted["message"]!.GetValue<string>());
        Assert.Equal("ABORTED", (await cluster.App.Result("abortable-1").RefreshAsync()).State);
    }

    [RedisFact]
    public async Task The_openapi_document_lists_every_dashboard_path()
    {
        var document = await ApiAssert.JsonAsync(await Client.GetAsync("openapi.json"));
        var paths = ((JsonObject)document["paths"]!).Select(p => p.Key).ToHashSet();
        foreach (var path in new[] { "/celeriac/api/session", "/celeriac/api/audit", "/celeriac/api/tasks/search", "/celeriac/api/tasks/{id}",
                     "/celeriac/api/workflows/{root_id}", "/celeriac/api/tasks/{id}/retry", "/celeriac/api/tasks/bulk/revoke", "/celeriac/api/tasks",
                     "/celeriac/api/task/info/{id}", "/celeriac/api/task/async-apply/{name}", "/celeriac/api/task/revoke/{id}",
                     // the fleet part's, through the same group
                     "/celeriac/api/fleet/queues", "/celeriac/api/queues/length", "/celeriac/api/beat", "/celeriac/api/overview", "/celeriac/api/workers" })
            Assert.Contains(path, paths);
        Assert.DoesNotContain("/celeriac/", paths); // the page and its assets are not API
        Assert.Equal("Celeriac dashboard", document["info"]!["title"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(document["paths"]!["/celeriac/api/tasks/search"]!["get"]!["summary"]!.GetValue<string>()));
    }
}
