using Microsoft.Extensions.Configuration;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Tests.Support;
using Celeriac.Worker;
using static Celeriac.Tests.Events.WorkerEventTests;

namespace Celeriac.Tests.Events;

/// <summary>
/// Task events (docs/protocol.md §6.3): off unless asked for; then each with Celery's fields in Celery's
/// order (the <c>event_task_*</c> vectors), batched as <c>task.multi</c> arrays.
/// </summary>
public sealed class TaskEventTests : IAsyncLifetime
{
    private TestHarness _h = null!;
    private EventSink _sink = null!;

    public async Task InitializeAsync()
    {
        _h = TestHarness.Create(o => o.WorkerSendTaskEvents = true);
        _sink = await EventSink.StartAsync(_h.App);
    }

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        await _h.DisposeAsync();
    }

    private JsonObject[] For(string id) => _sink.Events.Where(e => (string?)e["uuid"] == id).ToArray();

    [Fact]
    public async Task A_success_sends_received_started_succeeded_in_Celerys_shape_in_task_multi_batches()
    {
        var add = _h.App.Task("tasks.add", (int a, int b) => a + b);
        var (_, signals) = await _h.StartWorkerAsync(w => w.SendEvents = true);
        var r = await add.DelayAsync(2, 3);
        await signals.CompletedAsync(r.Id);
        var succeeded = await _sink.WaitForAsync("task-succeeded", e => (string?)e["uuid"] == r.Id);

        var events = For(r.Id);
        events.Select(e => (string?)e["type"]).Should().Equal("task-received", "task-started", "task-succeeded");
        Keys(events[0]).Should().Equal(VectorKeys("event_task_received", "task-received"));
        Keys(events[1]).Should().Equal(VectorKeys("event_task_started", "task-started"));
        Keys(succeeded).Should().Equal(VectorKeys("event_task_succeeded", "task-succeeded"));
        events[0]["name"]!.GetValue<string>().Should().Be("tasks.add");
        events[0]["args"]!.GetValue<string>().Should().Be("(2, 3)");
        events[0]["kwargs"]!.GetValue<string>().Should().Be("{}");
        events[0]["root_id"]!.GetValue<string>().Should().Be(r.Id);
        events[0]["parent_id"].Should().BeNull();
        events[0]["retries"]!.GetValue<int>().Should().Be(0);
        events[0]["eta"].Should().BeNull();
        succeeded["result"]!.GetValue<string>().Should().Be("5");
        succeeded["runtime"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.Number);
        succeeded["runtime"]!.ToJsonString().Should().MatchRegex(@"[.eE]", "runtime is a float");
        _sink.Messages.Where(m => m.RoutingKey.StartsWith("task.", StringComparison.Ordinal))
            .Should().OnlyContain(m => m.RoutingKey == "task.multi" && m.Body is JsonArray);
    }

    [Fact]
    public async Task Results_are_Pythons_saferepr_cut_to_1024_characters()
    {
        var text = _h.App.Task("ev.text", () => new string('x', 5000));
        var (_, signals) = await _h.StartWorkerAsync(w => w.SendEvents = true);
        var r = await text.DelayAsync();
        var e = await _sink.WaitForAsync("task-succeeded", x => (string?)x["uuid"] == r.Id);
        var result = e["result"]!.GetValue<string>();
        result.Should().StartWith("'xxx").And.Be(PythonSafeRepr.Format(JsonValue.Create(new string('x', 5000)), 1024));
        result.Length.Should().BeLessThanOrEqualTo(1024 + 8);
    }

    [Fact]
    public async Task A_task_lost_at_shutdown_sends_task_failed_with_WorkerLostError_so_monitors_do_not_show_it_running()
    {
        var hang = _h.App.Task("ev.hang", async (CancellationToken ct) => { await Task.Delay(Timeout.Infinite, ct); return 0; });
        var (worker, _) = await _h.StartWorkerAsync(w => { w.SendEvents = true; w.ShutdownTimeout = TimeSpan.FromMilliseconds(50); });
        var r = await hang.DelayAsync();
        await _sink.WaitForAsync("task-started", x => (string?)x["uuid"] == r.Id);

        await worker.StopAsync();

        var e = await _sink.WaitForAsync("task-failed", x => (string?)x["uuid"] == r.Id);
        e["exception"]!.GetValue<string>().Should().StartWith("WorkerLostError(");
    }

    [Fact]
    public async Task A_fault_inside_the_worker_sends_task_failed_as_it_is_recorded()
    {
        var add = _h.App.Task("tasks.add", (int a, int b) => a + b);
        var (worker, _) = await _h.StartWorkerAsync(w => w.SendEvents = true);
        worker.SlotFaultForTests = _ => throw new InvalidOperationException("a bug in the worker");
        var r = await add.DelayAsync(1, 2);

        var e = await _sink.WaitForAsync("task-failed", x => (string?)x["uuid"] == r.Id);
        e["exception"]!.GetValue<string>().Should().Contain("a bug in the worker");
    }

    [Fact]
    public async Task A_failure_sends_task_failed_with_the_exception_repr_and_the_traceback()
    {
        var fail = _h.App.Task("ev.fail", int () => throw new InvalidOperationException("boom"));
        await _h.StartWorkerAsync(w => w.SendEvents = true);
        var r = await fail.DelayAsync();
        var e = await _sink.WaitForAsync("task-failed", x => (string?)x["uuid"] == r.Id);
        Keys(e).Should().Equal(VectorKeys("event_task_failed", "task-failed"));
        e["exception"]!.GetValue<string>().Should().Be("InvalidOperationException('boom')");
        e["traceback"]!.GetValue<string>().Should().Contain("boom");
    }

    [Fact]
    public async Task A_retry_sends_task_retried_and_a_reject_task_rejected()
    {
        var flaky = _h.App.Task("ev.flaky", (Celeriac.TaskContext ctx) =>
            ctx.Retries == 0 ? throw ctx.Retry(new InvalidOperationException("not yet"), countdown: TimeSpan.Zero) : 1);
        var refusing = _h.App.Task("ev.refuse", (Celeriac.TaskContext ctx) => ctx.Retries >= 0 ? throw ctx.Reject(requeue: false) : 0);
        await _h.StartWorkerAsync(w => w.SendEvents = true);
        var r = await flaky.DelayAsync();
        var retried = await _sink.WaitForAsync("task-retried", x => (string?)x["uuid"] == r.Id);
        Keys(retried).Should().Equal(VectorKeys("event_task_retried", "task-retried"));
        retried["exception"]!.GetValue<string>().Should().Be("InvalidOperationException('not yet')");
        await _sink.WaitForAsync("task-succeeded", x => (string?)x["uuid"] == r.Id);
        (await _sink.WaitForAsync("task-received", x => (string?)x["uuid"] == r.Id && x["retries"]!.GetValue<int>() == 1)).Should().NotBeNull();

        var j = await refusing.DelayAsync();
        var rejected = await _sink.WaitForAsync("task-rejected", x => (string?)x["uuid"] == j.Id);
        Keys(rejected).Should().Equal(VectorKeys("event_task_rejected", "task-rejected"));
        rejected["requeue"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task An_unknown_task_sends_task_failed_with_only_uuid_and_NotRegistered()
    {
        var (_, signals) = await _h.StartWorkerAsync(w => w.SendEvents = true);
        var r = await _h.SendAsync("ev.nobody");
        var e = await _sink.WaitForAsync("task-failed", x => (string?)x["uuid"] == r.Id);
        Keys(e).Should().Equal("hostname", "utcoffset", "pid", "clock", "uuid", "exception", "timestamp", "type");
        e["exception"]!.GetValue<string>().Should().Be("NotRegistered('ev.nobody')");
        For(r.Id).Should().ContainSingle("an unknown task is never received or started");
    }

    [Fact]
    public async Task An_expired_task_sends_only_task_revoked_with_expired_true()
    {
        var task = _h.App.Task("ev.expired", () => 1);
        var r = await task.ApplyAsync(options: new TaskSendOptions { Expires = DateTimeOffset.UtcNow.AddSeconds(-5) });
        var (_, signals) = await _h.StartWorkerAsync(w => w.SendEvents = true);
        var e = await _sink.WaitForAsync("task-revoked", x => (string?)x["uuid"] == r.Id);
        Keys(e).Should().Equal(VectorKeys("event_task_revoked_expired", "task-revoked"));
        e["expired"]!.GetValue<bool>().Should().BeTrue();
        e["terminated"]!.GetValue<bool>().Should().BeFalse();
        e["signum"].Should().BeNull();
        For(r.Id).Should().ContainSingle();
    }

    [Fact]
    public async Task Task_events_follow_the_switch_and_are_off_by_default()
    {
        var task = _h.App.Task("ev.switch", () => 1);
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.SendEvents = true; w.SendTaskEvents = false; });
        worker.TaskEventsEnabled.Should().BeFalse();
        var off = await task.DelayAsync();
        await signals.CompletedAsync(off.Id);
        worker.SetTaskEvents(false).Should().BeFalse("already off");
        worker.SetTaskEvents(true).Should().BeTrue();
        worker.SetTaskEvents(true).Should().BeFalse("already on");
        var on = await task.DelayAsync();
        await _sink.WaitForAsync("task-succeeded", x => (string?)x["uuid"] == on.Id);
        For(off.Id).Should().BeEmpty();
        worker.SetTaskEvents(false).Should().BeTrue();
        var offAgain = await task.DelayAsync();
        await signals.CompletedAsync(offAgain.Id);
        await worker.StopAsync(); // flushes what is buffered
        For(offAgain.Id).Should().BeEmpty();
        _sink.OfType("worker-offline").Should().ContainSingle();
    }

    [Fact]
    public async Task Many_task_events_go_in_batches_of_at_most_24()
    {
        var task = _h.App.Task("ev.many", (int i) => i);
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.SendEvents = true; w.Concurrency = 8; });
        for (var i = 0; i < 200; i++) await task.DelayAsync(i);
        await signals.CompletionsAsync(200);
        await worker.StopAsync();
        _sink.Events.Count(e => ((string)e["type"]!).StartsWith("task-", StringComparison.Ordinal)).Should().Be(600);
        var batches = _sink.Messages.Where(m => m.RoutingKey == "task.multi").Select(m => ((JsonArray)m.Body).Count).ToArray();
        batches.Should().OnlyContain(n => n >= 1 && n <= 24);
        batches.Length.Should().BeLessThan(600, "events that queue up together share a message");
    }

    [Fact]
    public void The_options_bind_from_Celerys_setting_names()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["worker_send_task_events"] = "true",
            ["task_send_sent_event"] = "True",
        }).Build();
        var options = new CeleriacOptions();
        Configuration.CeleriacConfiguration.Bind(options, config);
        options.WorkerSendTaskEvents.Should().BeTrue();
        options.TaskSendSentEvent.Should().BeTrue();
        WorkerOptions.From(options).SendTaskEvents.Should().BeTrue();
    }
}
