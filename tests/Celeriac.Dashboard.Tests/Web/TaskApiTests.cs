using System.Net;
using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Dashboard.Store;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Web;

/// <summary>Our task endpoints against a real worker: search, detail (with the backend), workflow graphs and the actions.</summary>
public sealed class TaskApiTests(DashboardCluster cluster) : IClassFixture<DashboardCluster>
{
    private HttpClient Client => cluster.Client;

    [RedisFact]
    public async Task Search_finds_a_task_by_name_state_and_a_word_in_its_args()
    {
        var sent = await cluster.App.SendTaskAsync("dash.echo", ["zebra-crossing"], new Dictionary<string, object?> { ["who"] = "okapi" });
        await cluster.WaitForStateAsync(sent.Id, "SUCCESS");
        var byWord = await ApiAssert.JsonAsync(await Client.GetAsync("api/tasks/search?q=zebra"));
        Assert.Contains(byWord["tasks"]!.AsArray(), t => t!["id"]!.GetValue<string>() == sent.Id);
        var byKwarg = await ApiAssert.JsonAsync(await Client.GetAsync("api/tasks/search?q=okapi&name=dash.echo&state=success"));
        var row = Assert.Single(byKwarg["tasks"]!.AsArray(), t => t!["id"]!.GetValue<string>() == sent.Id)!;
        Assert.Equal("dash-worker@test", row["worker"]!.GetValue<string>());
        Assert.EndsWith("Z", row["first_seen"]!.GetValue<string>(), StringComparison.Ordinal);
        var none = await ApiAssert.JsonAsync(await Client.GetAsync("api/tasks/search?q=zebra&state=FAILURE"));
        Assert.Empty(none["tasks"]!.AsArray());
    }

    [RedisFact]
    public async Task Search_pages_by_cursor_and_sorts()
    {
        for (var i = 0; i < 3; i++) await cluster.WaitForStateAsync((await cluster.App.SendTaskAsync("dash.add", [i, 100])).Id, "SUCCESS");
        var first = await ApiAssert.JsonAsync(await Client.GetAsync("api/tasks/search?name=dash.add&limit=2&sort=runtime&order=asc"));
        Assert.Equal(2, first["tasks"]!.AsArray().Count);
        var cursor = first["next_cursor"]!.GetValue<string>();
        var second = await ApiAssert.JsonAsync(await Client.GetAsync($"api/tasks/search?name=dash.add&limit=2&sort=runtime&order=asc&cursor={Uri.EscapeDataString(cursor)}"));
        Assert.NotEmpty(second["tasks"]!.AsArray());
        Assert.DoesNotContain(second["tasks"]!.AsArray(), t => first["tasks"]!.AsArray().Any(f => f!["id"]!.GetValue<string>() == t!["id"]!.GetValue<string>()));
    }

    [RedisFact]
    public async Task Bad_search_inputs_are_400_with_a_sentence()
    {
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/tasks/search?limit=0"), HttpStatusCode.BadRequest, "limit");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/tasks/search?limit=abc"), HttpStatusCode.BadRequest, "limit");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/tasks/search?sort=colour"), HttpStatusCode.BadRequest, "sort");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/tasks/search?order=up"), HttpStatusCode.BadRequest, "order");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/tasks/search?from=yesterday-ish"), HttpStatusCode.BadRequest, "from");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/tasks/search?cursor=!!!"), HttpStatusCode.BadRequest, "cursor");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/tasks/no-such-task"), HttpStatusCode.NotFound, "no task");
        await ApiAssert.ErrorAsync(await Client.GetAsync("api/workflows/no-such-root"), HttpStatusCode.NotFound, "no task");
        await ApiAssert.ErrorAsync(await Client.PostAsync("api/tasks/x/rerun", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "not valid JSON");
        await ApiAssert.ErrorAsync(await Client.PostJsonAsync("api/tasks/x/rerun", new { args = "1, 2" }), HttpStatusCode.BadRequest, "args must be a JSON array");
        await ApiAssert.ErrorAsync(await Client.PostJsonAsync("api/tasks/bulk/revoke", new { max = 5000 }), HttpStatusCode.BadRequest, "max");
        await ApiAssert.ErrorAsync(await Client.PostJsonAsync("api/tasks/bulk/retry", new { sort = 3 }), HttpStatusCode.BadRequest, "filters");
    }

    [RedisFact]
    public async Task The_detail_shows_the_whole_result_from_the_backend_with_timeline_and_children()
    {
        var flow = await Workflow.Chain(cluster.App.Signature("dash.add", [1, 2]), cluster.App.Signature("dash.add", [10])).ApplyAsync();
        var last = (AsyncResult)flow;
        await cluster.WaitForStateAsync(last.Id, "SUCCESS");
        var firstId = ((AsyncResult)last.Parent!).Id;
        var detail = (JsonObject)await ApiAssert.JsonAsync(await Client.GetAsync($"api/tasks/{firstId}"));
        Assert.Equal("backend", detail["result_source"]!.GetValue<string>());
        Assert.Equal(3, detail["backend"]!["result"]!.GetValue<int>());
        Assert.Equal("[1,2]", detail["backend"]!["args"]!.ToJsonString());
        Assert.Equal("dash.add", detail["task"]!["name"]!.GetValue<string>());
        var states = detail["timeline"]!.AsArray().Select(e => e!["state"]!.GetValue<string>()).ToList();
        Assert.Equal(["RECEIVED", "STARTED", "SUCCESS"], states);
        Assert.Equal(last.Id, Assert.Single(detail["children"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.True(detail["retryable"]!.GetValue<bool>());
    }

    [RedisFact]
    public async Task A_task_only_the_backend_knows_is_still_shown_and_a_failure_has_its_traceback()
    {
        var failed = await cluster.App.SendTaskAsync("dash.fail", ["kaboom"]);
        await failed.WaitAsync(TimeSpan.FromSeconds(30));
        // A dashboard whose store never saw it (another process's history, or pruned).
        await using var host = await DashboardHost.StartAsync(cluster.App, cluster.SqlitePath("backend-only"));
        using var client = host.Client(cookies: false);
        var detail = await ApiAssert.JsonAsync(await client.GetAsync($"api/tasks/{failed.Id}"));
        Assert.Equal("backend", detail["result_source"]!.GetValue<string>());
        Assert.Equal("FAILURE", detail["task"]!["state"]!.GetValue<string>());
        Assert.Equal("dash.fail", detail["task"]!["name"]!.GetValue<string>());
        Assert.Contains("kaboom", detail["task"]!["exception"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("kaboom", detail["backend"]!["traceback"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(detail["timeline"]!.AsArray());
        var info = await ApiAssert.JsonAsync(await client.GetAsync($"api/task/info/{failed.Id}"));
        Assert.Equal("FAILURE", info["state"]!.GetValue<string>());
        // And retry works from the backend's args alone.
        var retried = await ApiAssert.JsonAsync(await client.PostAsync($"api/tasks/{failed.Id}/retry", null));
        var again = cluster.App.Result(retried["task_id"]!.GetValue<string>());
        Assert.Equal("FAILURE", (await again.WaitAsync(TimeSpan.FromSeconds(30))).Status);
        Assert.Equal("[\"kaboom\"]", again.Meta.Extended!.Args!.ToJsonString());
    }

    [RedisFact]
    public async Task The_workflow_of_a_chain_links_its_steps_by_parent()
    {
        var app = cluster.App;
        var last = (AsyncResult)await Workflow.Chain(app.Signature("dash.add", [1, 1]), app.Signature("dash.add", [2]), app.Signature("dash.add", [3])).ApplyAsync();
        await cluster.WaitForStateAsync(last.Id, "SUCCESS");
        var second = (AsyncResult)last.Parent!;
        var first = (AsyncResult)second.Parent!;
        var graph = await ApiAssert.JsonAsync(await Client.GetAsync($"api/workflows/{first.Id}"));
        Assert.Equal(new[] { first.Id, second.Id, last.Id }.Order(), graph["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).Order());
        Assert.All(graph["nodes"]!.AsArray(), n => Assert.Equal("chain", n!["kind"]!.GetValue<string>()));
        Assert.Equal(Edges((first.Id, second.Id, "parent"), (second.Id, last.Id, "parent")), Edges(graph));
    }

    [RedisFact]
    public async Task The_workflow_of_a_group_holds_every_member()
    {
        var app = cluster.App;
        var group = (GroupResult)await Workflow.Group(app.Signature("dash.add", [1, 1]), app.Signature("dash.add", [2, 2]), app.Signature("dash.add", [3, 3])).ApplyAsync();
        foreach (var member in group.Results) await cluster.WaitForStateAsync(member.Id, "SUCCESS");
        // Each member of a group applied by a client is its own root: any of them finds the others by the group id.
        var graph = await ApiAssert.JsonAsync(await Client.GetAsync($"api/workflows/{group.Results[1].Id}"));
        Assert.Equal(group.Results.Select(r => r.Id).Order(), graph["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).Order());
        Assert.All(graph["nodes"]!.AsArray(), n =>
        {
            Assert.Equal("group", n!["kind"]!.GetValue<string>());
            Assert.Equal(group.Id, n["group_id"]!.GetValue<string>());
        });
        Assert.Empty(graph["edges"]!.AsArray());
    }

    [RedisFact]
    public async Task The_workflow_of_a_chord_links_every_header_member_to_the_body()
    {
        var app = cluster.App;
        var body = (AsyncResult)await Workflow.Chord([app.Signature("dash.add", [1, 1]), app.Signature("dash.add", [2, 2])], app.Signature("dash.sum")).ApplyAsync();
        await cluster.WaitForStateAsync(body.Id, "SUCCESS");
        Assert.Equal(6, (await body.GetAsync(TimeSpan.FromSeconds(10)))!.GetValue<int>());
        var bodyDetail = await ApiAssert.JsonAsync(await Client.GetAsync($"api/tasks/{body.Id}"));
        var root = bodyDetail["task"]!["root_id"]!.GetValue<string>();
        // The other header member's events may still be on their way into the store.
        var graph = await GraphWithAsync(root, 3);
        var nodes = graph["nodes"]!.AsArray().ToDictionary(n => n!["id"]!.GetValue<string>(), n => n!["kind"]!.GetValue<string>());
        Assert.True(3 == nodes.Count, graph.ToJsonString());
        Assert.Equal("body", nodes[body.Id]);
        var headers = nodes.Where(n => n.Value == "header").Select(n => n.Key).ToList();
        Assert.Equal(2, headers.Count);
        Assert.Equal(Edges(headers.Select(h => (h, body.Id, "chord")).ToArray()), Edges(graph));
        // The other header member (its own root) reaches the same graph.
        var other = headers.Single(h => h != root);
        var again = await ApiAssert.JsonAsync(await Client.GetAsync($"api/workflows/{other}"));
        Assert.Equal(3, again["nodes"]!.AsArray().Count);
    }

    [RedisFact]
    public async Task Retry_sends_the_same_task_again_with_a_new_id_and_the_same_args()
    {
        var first = await cluster.App.SendTaskAsync("dash.add", [20, 22]);
        await cluster.WaitForStateAsync(first.Id, "SUCCESS");
        var retried = await ApiAssert.JsonAsync(await Client.PostAsync($"api/tasks/{first.Id}/retry", null));
        var newId = retried["task_id"]!.GetValue<string>();
        Assert.NotEqual(first.Id, newId);
        Assert.Equal(42, (await cluster.App.Result(newId).GetAsync(TimeSpan.FromSeconds(30)))!.GetValue<int>());
        var detail = await cluster.WaitForStateAsync(newId, "SUCCESS");
        Assert.Equal("dash.add", detail["task"]!["name"]!.GetValue<string>());
    }

    [RedisFact]
    public async Task Retry_from_the_stores_repr_works_and_a_cut_repr_is_refused_with_the_reason()
    {
        // Events only (a Python worker's reprs), nothing in the backend for these ids.
        var whole = "repr-" + Guid.NewGuid().ToString("N");
        var cut = "cut-" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        await cluster.Host.Store.WriteAsync(new DashboardBatch
        {
            Tasks =
            [
                new TaskEvent(whole, "FAILURE", now) { Name = "dash.add", Args = "(5, 6)", Kwargs = "{}" },
                new TaskEvent(cut, "FAILURE", now) { Name = "dash.echo", Args = "('" + new string('x', 40) + "...', ...)", Kwargs = "{}" },
            ],
        });
        var retried = await ApiAssert.JsonAsync(await Client.PostAsync($"api/tasks/{whole}/retry", null));
        Assert.Equal(11, (await cluster.App.Result(retried["task_id"]!.GetValue<string>()).GetAsync(TimeSpan.FromSeconds(30)))!.GetValue<int>());
        await ApiAssert.ErrorAsync(await Client.PostAsync($"api/tasks/{cut}/retry", null), HttpStatusCode.Conflict, "cut short");
        var detail = await ApiAssert.JsonAsync(await Client.GetAsync($"api/tasks/{cut}"));
        Assert.False(detail["retryable"]!.GetValue<bool>());
        Assert.Contains("cut short", detail["retry_refusal"]!.GetValue<string>(), StringComparison.Ordinal);
        // Re-run with edited args works where retry cannot.
        var rerun = await ApiAssert.JsonAsync(await Client.PostJsonAsync($"api/tasks/{cut}/rerun", new { args = new[] { "short" }, kwargs = new { } }));
        var result = await cluster.App.Result(rerun["task_id"]!.GetValue<string>()).GetAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("[\"short\"]", result!["args"]!.ToJsonString());
    }

    [RedisFact]
    public async Task Rerun_sends_edited_args_and_kwargs()
    {
        var first = await cluster.App.SendTaskAsync("dash.echo", [1], new Dictionary<string, object?> { ["a"] = 1 });
        await cluster.WaitForStateAsync(first.Id, "SUCCESS");
        var rerun = await ApiAssert.JsonAsync(await Client.PostJsonAsync($"api/tasks/{first.Id}/rerun", new { args = new object[] { 2, "two" }, kwargs = new { b = true } }));
        var result = await cluster.App.Result(rerun["task_id"]!.GetValue<string>()).GetAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("[2,\"two\"]", result!["args"]!.ToJsonString());
        Assert.Equal("{\"b\":true}", result["kwargs"]!.ToJsonString());
        // Only kwargs edited: args stay the task's own.
        var kwargsOnly = await ApiAssert.JsonAsync(await Client.PostJsonAsync($"api/tasks/{first.Id}/rerun", new { kwargs = new { c = 3 } }));
        var second = await cluster.App.Result(kwargsOnly["task_id"]!.GetValue<string>()).GetAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("[1]", second!["args"]!.ToJsonString());
    }

    [RedisFact]
    public async Task Revoke_stops_a_waiting_task_and_terminate_a_running_one()
    {
        var later = await cluster.App.SendTaskAsync("dash.add", [1, 1], options: new TaskSendOptions { Countdown = TimeSpan.FromSeconds(3) });
        await cluster.WaitForStateAsync(later.Id, "RECEIVED");
        Assert.True((await ApiAssert.JsonAsync(await Client.PostAsync($"api/tasks/{later.Id}/revoke", null)))["ok"]!.GetValue<bool>());
        await cluster.WaitForStateAsync(later.Id, "REVOKED");

        var running = await cluster.App.SendTaskAsync("dash.block");
        await cluster.WaitForStateAsync(running.Id, "STARTED");
        Assert.True((await ApiAssert.JsonAsync(await Client.PostJsonAsync($"api/tasks/{running.Id}/terminate", new { signal = "SIGKILL" })))["ok"]!.GetValue<bool>());
        await cluster.WaitForStateAsync(running.Id, "REVOKED");
        var audit = (await cluster.Host.Store.QueryAuditAsync(limit: 1000)).Entries.Single(e => e.Target == running.Id);
        Assert.Equal("task.terminate", audit.Action);
        Assert.Contains("SIGKILL", audit.Detail, StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task Bulk_revoke_and_bulk_retry_act_on_a_search()
    {
        var word = "bulk" + Guid.NewGuid().ToString("N")[..8];
        var waiting = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var r = await cluster.App.SendTaskAsync("dash.echo", [word, i], options: new TaskSendOptions { Countdown = TimeSpan.FromSeconds(3) });
            waiting.Add(r.Id);
        }
        foreach (var id in waiting) await cluster.WaitForStateAsync(id, "RECEIVED");
        var revoked = await ApiAssert.JsonAsync(await Client.PostJsonAsync("api/tasks/bulk/revoke", new { q = word, name = "dash.echo" }));
        Assert.Equal(3, revoked["matched"]!.GetValue<int>());
        Assert.Equal(3, revoked["acted"]!.GetValue<int>());
        foreach (var id in waiting) await cluster.WaitForStateAsync(id, "REVOKED");

        var failing = new List<string>();
        for (var i = 0; i < 2; i++) failing.Add((await cluster.App.SendTaskAsync("dash.fail", [word + "-fail-" + i])).Id);
        foreach (var id in failing) await cluster.WaitForStateAsync(id, "FAILURE");
        var retried = await ApiAssert.JsonAsync(await Client.PostJsonAsync("api/tasks/bulk/retry", new { q = word, state = "FAILURE", max = 10 }));
        Assert.Equal(2, retried["matched"]!.GetValue<int>());
        Assert.Equal(2, retried["acted"]!.GetValue<int>());
        foreach (var id in retried["task_ids"]!.AsArray()) Assert.Equal("FAILURE", (await cluster.App.Result(id!.GetValue<string>()).WaitAsync(TimeSpan.FromSeconds(30))).Status);
        // Revoking finished ones is refused, each with its reason.
        var again = await ApiAssert.JsonAsync(await Client.PostJsonAsync("api/tasks/bulk/revoke", new { q = word, state = "REVOKED" }));
        Assert.Equal(0, again["acted"]!.GetValue<int>());
        Assert.All(again["refused"]!.AsArray(), r => Assert.Contains("already finished", r!["reason"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [RedisFact]
    public async Task Without_a_celeriac_app_history_reads_and_actions_say_why_not()
    {
        await using var host = await DashboardHost.StartAsync(app: null, cluster.SqlitePath("no-app"));
        using var client = host.Client(cookies: false);
        var session = await ApiAssert.JsonAsync(await client.GetAsync("api/session"));
        Assert.Null(session["broker"]);
        Assert.Empty((await ApiAssert.JsonAsync(await client.GetAsync("api/tasks/search")))["tasks"]!.AsArray());
        await ApiAssert.ErrorAsync(await client.PostAsync("api/tasks/some-id/revoke", null), HttpStatusCode.ServiceUnavailable, "no Celeriac app");
        await ApiAssert.ErrorAsync(await client.PostJsonAsync("api/task/async-apply/dash.add", new { args = new[] { 1, 2 } }), HttpStatusCode.ServiceUnavailable, "no Celeriac app");
        await ApiAssert.ErrorAsync(await client.GetAsync("api/tasks/some-id"), HttpStatusCode.NotFound, "no task");
    }

    [RedisFact]
    public async Task A_broker_that_is_down_is_reported_not_hung_on()
    {
        var port = Celeriac.Redis.Tests.Infrastructure.FreePort.Pick();
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = $"redis://127.0.0.1:{port}/0";
            o.ResultBackend = $"redis://127.0.0.1:{port}/1";
            o.UseRedis();
        });
        await using var host = await DashboardHost.StartAsync(app, cluster.SqlitePath("down"));
        using var client = host.Client(cookies: false);
        var started = DateTime.UtcNow;
        var revoke = await client.PostAsync("api/tasks/some-id/revoke", null);
        await ApiAssert.ErrorAsync(revoke, HttpStatusCode.ServiceUnavailable, "the broker or result backend is unavailable");
        var detail = await client.GetAsync("api/tasks/some-id");
        Assert.Equal(HttpStatusCode.NotFound, detail.StatusCode); // the backend's outage does not fail the read
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(40), $"took {DateTime.UtcNow - started}");
        var audit = (await host.Store.QueryAuditAsync()).Entries.Single(e => e.Target == "some-id");
        Assert.StartsWith("error: ", audit.Outcome, StringComparison.Ordinal);
    }

    private async Task<JsonNode> GraphWithAsync(string root, int nodes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var graph = await ApiAssert.JsonAsync(await Client.GetAsync($"api/workflows/{root}"));
            if (graph["nodes"]!.AsArray().Count >= nodes && graph["nodes"]!.AsArray().All(n => n!["state"]!.GetValue<string>() == "SUCCESS") || DateTime.UtcNow > deadline) return graph;
            await Task.Delay(50);
        }
    }

    private static string[] Edges(params (string From, string To, string Kind)[] edges) => edges.Select(e => $"{e.From}->{e.To}:{e.Kind}").Order().ToArray();

    private static string[] Edges(JsonNode graph) =>
        graph["edges"]!.AsArray().Select(e => $"{e!["from"]!.GetValue<string>()}->{e["to"]!.GetValue<string>()}:{e["kind"]!.GetValue<string>()}").Order().ToArray();
}
