using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>States a client sees while a task runs: STARTED (<c>track_started</c>) and custom ones such as PROGRESS.</summary>
public sealed class ProgressTests : IAsyncLifetime
{
    private TestHarness _h = TestHarness.Create();
    private readonly Gate _release = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _release.Open();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task With_TrackStarted_a_running_task_is_STARTED_with_its_pid_and_hostname_then_SUCCESS()
    {
        var task = _h.App.Task("p.tracked", async () => { await _release.WaitAsync(); return 42; }, o => o.TrackStarted = true);
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Hostname = "celery@tracker");

        var r = await task.DelayAsync();
        await signals.WaitForAsync(Worker.WorkerSignalKind.Started, r.Id);

        var running = await _h.App.Result(r.Id).RefreshAsync();
        running.State.Should().Be(TaskStates.Started);
        running.IsReady.Should().BeFalse();
        JsonNode.DeepEquals(running.Info, new JsonObject { ["pid"] = Environment.ProcessId, ["hostname"] = "celery@tracker" })
            .Should().BeTrue(running.Info?.ToJsonString());
        running.Meta.DateDone.Should().BeNull();
        worker.Hostname.Should().Be("celery@tracker");

        _release.Open();
        (await r.GetAsync(TimeSpan.FromSeconds(10))).Should().Be(42);
        r.State.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task Without_TrackStarted_a_running_task_stays_PENDING()
    {
        var task = _h.App.Task("p.untracked", async () => { await _release.WaitAsync(); return 1; });
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await signals.WaitForAsync(Worker.WorkerSignalKind.Started, r.Id);

        (await _h.App.Result(r.Id).RefreshAsync()).State.Should().Be(TaskStates.Pending);
        _release.Open();
        await signals.CompletedAsync(r.Id);
    }

    [Fact]
    public async Task The_app_wide_TrackStarted_applies_unless_the_task_turns_it_off()
    {
        await _h.DisposeAsync();
        _h = TestHarness.Create(o => o.TrackStarted = true);
        var tracked = _h.App.Task("p.app-tracked", async () => { await _release.WaitAsync(); return 1; });
        var quiet = _h.App.Task("p.opt-out", async () => { await _release.WaitAsync(); return 2; }, o => o.TrackStarted = false);
        var (_, signals) = await _h.StartWorkerAsync();

        var a = await tracked.DelayAsync();
        var b = await quiet.DelayAsync();
        await signals.WaitForAsync(Worker.WorkerSignalKind.Started, a.Id);
        await signals.WaitForAsync(Worker.WorkerSignalKind.Started, b.Id);

        (await _h.App.Result(a.Id).RefreshAsync()).State.Should().Be(TaskStates.Started);
        (await _h.App.Result(b.Id).RefreshAsync()).State.Should().Be(TaskStates.Pending);
        _release.Open();
    }

    [Fact]
    public async Task UpdateStateAsync_PROGRESS_is_visible_through_AsyncResult_while_the_task_runs()
    {
        var reported = new[] { new Gate(), new Gate() };
        var next = new Gate();
        var task = _h.App.Task("p.progress", async (int total, TaskContext ctx) =>
        {
            await ctx.UpdateStateAsync("PROGRESS", new Dictionary<string, int> { ["current"] = 3, ["total"] = total });
            reported[0].Open();
            await next.WaitAsync();
            await ctx.UpdateStateAsync("PROGRESS", new Dictionary<string, int> { ["current"] = 7, ["total"] = total });
            reported[1].Open();
            await _release.WaitAsync();
            return total;
        }, o => o.TrackStarted = true);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync(10);
        await reported[0].WaitAsync();

        await r.RefreshAsync();
        r.State.Should().Be("PROGRESS");
        r.IsReady.Should().BeFalse();
        JsonNode.DeepEquals(r.Info, new JsonObject { ["current"] = 3, ["total"] = 10 }).Should().BeTrue(r.Info?.ToJsonString());
        r.Meta.TaskId.Should().Be(r.Id);
        r.Meta.DateDone.Should().BeNull();

        next.Open();
        await reported[1].WaitAsync();
        await r.RefreshAsync();
        JsonNode.DeepEquals(r.Info, new JsonObject { ["current"] = 7, ["total"] = 10 }).Should().BeTrue(r.Info?.ToJsonString());

        _release.Open();
        (await r.GetAsync(TimeSpan.FromSeconds(10))).Should().Be(10);
        await signals.CompletedAsync(r.Id);
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task With_ResultExtended_a_PROGRESS_meta_carries_the_request_fields_as_every_stored_meta_does()
    {
        await _h.DisposeAsync();
        _h = TestHarness.Create(o => o.ResultExtended = true);
        var reported = new Gate();
        var task = _h.App.Task("p.extended", async (int n, TaskContext ctx) =>
        {
            await ctx.UpdateStateAsync("PROGRESS", new Dictionary<string, int> { ["current"] = n });
            reported.Open();
            await _release.WaitAsync();
            return n;
        });
        await _h.StartWorkerAsync(w => { w.Hostname = "celery@ext"; w.Queues = ["ext"]; });

        var r = await task.ApplyAsync(5, options: new() { Queue = "ext" });
        await reported.WaitAsync();

        var json = (await _h.StoredAsync(r.Id)).ToJson();
        json["status"]!.GetValue<string>().Should().Be("PROGRESS");
        json["name"]!.GetValue<string>().Should().Be("p.extended");
        JsonNode.DeepEquals(json["args"], new JsonArray(5)).Should().BeTrue(json.ToJsonString());
        JsonNode.DeepEquals(json["kwargs"], new JsonObject()).Should().BeTrue(json.ToJsonString());
        json["worker"]!.GetValue<string>().Should().Be("celery@ext");
        json["retries"]!.GetValue<int>().Should().Be(0);
        json["queue"]!.GetValue<string>().Should().Be("ext");
        _release.Open();
    }

    [Fact]
    public async Task Celerys_update_state_SUCCESS_then_Ignore_pattern_gives_the_client_a_finished_result()
    {
        // From Celery's docs on Ignore: store the result yourself, then end without a state.
        var clock = new Celeriac.Testing.VirtualClock();
        await _h.DisposeAsync();
        _h = TestHarness.Create(o => o.TimeProvider = clock);
        var task = _h.App.Task("p.self-stored", async (string user, TaskContext ctx) =>
        {
            await ctx.UpdateStateAsync(TaskStates.Success, new[] { user + ":1", user + ":2" });
            throw ctx.Ignore();
        }, o => o.AcksLate = true);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync("ann");

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Ignored);
        var meta = await r.WaitAsync(TimeSpan.FromSeconds(10));
        meta.Status.Should().Be(TaskStates.Success);
        JsonNode.DeepEquals(meta.Result, new JsonArray("ann:1", "ann:2")).Should().BeTrue(meta.Result?.ToJsonString());
        meta.DateDone.Should().Be(clock.GetUtcNow().UtcDateTime, "a ready state carries date_done, whoever stores it");
    }

    [Fact]
    public async Task A_waiter_is_not_woken_by_PROGRESS_only_by_the_final_state()
    {
        var reported = new Gate();
        var task = _h.App.Task("p.wait", async (TaskContext ctx) =>
        {
            await ctx.UpdateStateAsync("PROGRESS", new Dictionary<string, int> { ["current"] = 1 });
            reported.Open();
            await _release.WaitAsync();
            return "done";
        });
        await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        var waiting = r.GetAsync(TimeSpan.FromSeconds(10));
        await reported.WaitAsync();
        (await _h.App.Result(r.Id).RefreshAsync()).State.Should().Be("PROGRESS");
        waiting.IsCompleted.Should().BeFalse("PROGRESS is not a ready state");

        _release.Open();
        (await waiting).Should().Be("done");
    }
}
