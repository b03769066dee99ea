using System.Net;
using Celeriac.Beat;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Fleet;

/// <summary>The beat page's API over <c>app.Beat</c> on Redis: list, run now (the worker runs it), pause, resume, edit.</summary>
[Collection(FleetCollection.Name)]
public sealed class BeatApiTests(FleetCluster cluster)
{
    [RedisFact]
    public async Task Entries_list_with_next_runs_and_run_now_publishes_a_task_the_worker_runs()
    {
        cluster.App.Beat.Add("fleet-hourly", BeatSchedule.Every(TimeSpan.FromHours(1)), "fleet.add", args: [20, 22]);

        var entry = await EntryAsync("fleet-hourly");
        var run = await cluster.SendAsync("api/beat/fleet-hourly/run");
        var unknown = await cluster.SendAsync("api/beat/no-such-entry/run");

        ((string)entry["task"]!).Should().Be("fleet.add");
        ((string)entry["schedule"]!).Should().Contain("every");
        entry["args"]!.AsArray().Select(a => (int)a!).Should().Equal(20, 22);
        entry["next_runs"]!.AsArray().Should().HaveCount(5);
        ((bool)entry["paused"]!).Should().BeFalse();
        ((string)entry["definition"]!["task"]!).Should().Be("fleet.add");
        run.Status.Should().Be(HttpStatusCode.OK, run.Body?.ToJsonString());
        var taskId = (string)run.Body!["task_id"]!;
        await FleetCluster.EventuallyAsync(() => Task.FromResult(cluster.Ran.TryGetValue(taskId, out var result) && result == 42), "the worker ran the run-now task");
        unknown.Status.Should().Be(HttpStatusCode.NotFound);
    }

    [RedisFact]
    public async Task Pause_resume_and_edit_go_to_the_beat_store()
    {
        cluster.App.Beat.Add("fleet-edit", BeatSchedule.Every(TimeSpan.FromMinutes(10)), "fleet.add", args: [1, 1]);

        var paused = await cluster.SendAsync("api/beat/fleet-edit/pause");
        var listedPaused = await EntryAsync("fleet-edit");
        var resumed = await cluster.SendAsync("api/beat/fleet-edit/resume");
        var edited = await cluster.SendAsync("api/beat/fleet-edit", new { task = "fleet.add", schedule = 30, args = new[] { 5, 6 } }, HttpMethod.Put);
        var listedEdited = await EntryAsync("fleet-edit");
        var bad = await cluster.SendAsync("api/beat/fleet-edit", new { task = "fleet.add", schedule = "sometimes" }, HttpMethod.Put);
        var unknownKey = await cluster.SendAsync("api/beat/fleet-edit", new { task = "fleet.add", schedule = 30, color = "red" }, HttpMethod.Put);
        var unknown = await cluster.SendAsync("api/beat/no-such-entry/pause");

        paused.Status.Should().Be(HttpStatusCode.OK, paused.Body?.ToJsonString());
        ((bool)paused.Body!["paused"]!).Should().BeTrue();
        ((bool)listedPaused["paused"]!).Should().BeTrue();
        listedPaused["next_runs"]!.AsArray().Should().BeEmpty("a paused entry runs nothing");
        resumed.Status.Should().Be(HttpStatusCode.OK);
        ((bool)resumed.Body!["paused"]!).Should().BeFalse();
        edited.Status.Should().Be(HttpStatusCode.OK, edited.Body?.ToJsonString());
        listedEdited["args"]!.AsArray().Select(a => (int)a!).Should().Equal(5, 6);
        ((string)listedEdited["schedule"]!).Should().Contain("00:00:30");
        (await cluster.App.Beat.ListAsync(1)).Single(e => e.Entry.Name == "fleet-edit").Entry.Args.Select(a => (int)a!).Should().Equal([5, 6], "the edit is in the beat store every beat reads");
        bad.Status.Should().Be(HttpStatusCode.BadRequest);
        ((string)bad.Body!["error"]!).Should().Contain("fleet-edit");
        unknownKey.Status.Should().Be(HttpStatusCode.BadRequest);
        unknown.Status.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task<System.Text.Json.Nodes.JsonNode> EntryAsync(string name) =>
        (await cluster.GetJsonAsync("api/beat"))!.AsArray().Single(e => (string)e!["name"]! == name)!;
}
