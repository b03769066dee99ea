using System.Text.Json.Nodes;
using Celeriac.Events;
using Celeriac.Testing;

namespace Celeriac.Tests.Events;

/// <summary>ClusterState folding events as <c>celery.events.state</c> does, with a virtual clock.</summary>
public sealed class ClusterStateTests
{
    private readonly VirtualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    private double Now => _clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    private CeleryEventInfo Event(string type, string hostname, JsonObject? fields = null, double? timestamp = null)
    {
        var raw = new JsonObject { ["hostname"] = hostname, ["utcoffset"] = 0, ["pid"] = 1, ["clock"] = 1, ["timestamp"] = timestamp ?? Now, ["type"] = type };
        foreach (var (k, v) in fields ?? []) raw[k] = v?.DeepClone();
        return new CeleryEventInfo(raw, type, Now);
    }

    private CeleryEventInfo Task(string type, string id, JsonObject? fields = null, double? timestamp = null)
    {
        var f = fields ?? [];
        f["uuid"] = id;
        return Event(type, "celery@w", f, timestamp);
    }

    [Fact]
    public void Worker_is_online_until_freq_times_two_without_a_heartbeat_and_offline_after_worker_offline()
    {
        var state = new ClusterState(_clock);
        state.Apply(Event("worker-online", "celery@w", new JsonObject { ["freq"] = 2.0, ["active"] = 0, ["processed"] = 0, ["sw_ident"] = "py-celery", ["sw_ver"] = "5.2.6", ["sw_sys"] = "Linux", ["loadavg"] = new JsonArray(0.1, 0.2, 0.3) }));

        var w = state.GetWorker("celery@w")!;
        (w.IsOnline, w.Freq, w.SoftwareIdent, w.SoftwareVersion, w.SoftwareSystem).Should().Be((true, 2.0, "py-celery", "5.2.6", "Linux"));
        w.LoadAverage.Should().Equal(0.1, 0.2, 0.3);

        _clock.Advance(TimeSpan.FromSeconds(3.9));
        state.GetWorker("celery@w")!.IsOnline.Should().BeTrue("3.9 s is within 2 × 2 s");
        state.Apply(Event("worker-heartbeat", "celery@w", new JsonObject { ["freq"] = 2.0, ["active"] = 2, ["processed"] = 7 }));
        _clock.Advance(TimeSpan.FromSeconds(3.9));
        w = state.GetWorker("celery@w")!;
        (w.IsOnline, w.Active, w.Processed).Should().Be((true, 2L, 7L));

        _clock.Advance(TimeSpan.FromSeconds(0.2));
        state.GetWorker("celery@w")!.IsOnline.Should().BeFalse("4.1 s without a heartbeat is past the window");
        state.AliveWorkers.Should().BeEmpty();

        state.Apply(Event("worker-heartbeat", "celery@w", new JsonObject { ["freq"] = 2.0 }));
        state.GetWorker("celery@w")!.IsOnline.Should().BeTrue("a heartbeat brings it back");
        state.Apply(Event("worker-offline", "celery@w", new JsonObject { ["freq"] = 2.0 }));
        state.GetWorker("celery@w")!.IsOnline.Should().BeFalse();
        state.GetWorker("celery@w")!.LastHeartbeat.Should().BeNull();
        state.Workers.Should().ContainSingle("an offline worker is still known");
    }

    [Fact]
    public void Task_goes_through_its_states_and_takes_fields_from_each_event()
    {
        var state = new ClusterState(_clock);
        state.Apply(Task("task-received", "t1", new JsonObject { ["name"] = "tasks.add", ["args"] = "(1, 2)", ["kwargs"] = "{}", ["retries"] = 0, ["root_id"] = "t1" }, 10));
        state.GetTask("t1")!.State.Should().Be("RECEIVED");
        state.Apply(Task("task-started", "t1", timestamp: 11));
        state.GetTask("t1")!.State.Should().Be("STARTED");
        state.Apply(Task("task-succeeded", "t1", new JsonObject { ["result"] = "3", ["runtime"] = 0.5 }, 12));

        var t = state.GetTask("t1")!;
        (t.State, t.Name, t.Args, t.Result, t.Runtime, t.Worker, t.RootId, t.Timestamp).Should().Be(("SUCCESS", "tasks.add", "(1, 2)", "3", 0.5, "celery@w", "t1", 12.0));
        t.StateTimes.Should().BeEquivalentTo(new Dictionary<string, double> { ["received"] = 10, ["started"] = 11, ["succeeded"] = 12 });
        state.GetWorker("celery@w")!.IsOnline.Should().BeTrue("task events are signs of life");
    }

    [Fact]
    public void Out_of_order_events_do_not_regress_the_state_and_received_fields_always_win()
    {
        var state = new ClusterState(_clock);
        state.Apply(Task("task-started", "t1", new JsonObject { ["name"] = "wrong" }, 11));
        state.Apply(Task("task-failed", "t1", new JsonObject { ["exception"] = "ValueError('boom')", ["traceback"] = "tb" }, 12));
        state.Apply(Task("task-received", "t1", new JsonObject { ["name"] = "tasks.fail", ["args"] = "()", ["exception"] = "ignored" }, 10));
        state.Apply(Task("task-started", "t1", timestamp: 11.5));

        var t = state.GetTask("t1")!;
        t.State.Should().Be("FAILURE", "received and started happen before failed");
        t.Name.Should().Be("tasks.fail", "name comes from task-received whatever the order");
        t.Exception.Should().Be("ValueError('boom')", "only task-received's own fields are taken from a late task-received");
        t.Timestamp.Should().Be(11.5, "as in Celery, a late event merges its fields, its timestamp too, but not its state");
    }

    [Fact]
    public void Retry_always_moves_the_state_and_task_sent_names_the_client()
    {
        var state = new ClusterState(_clock);
        state.Apply(Event("task-sent", "gen1@client", new JsonObject { ["uuid"] = "t1", ["name"] = "tasks.flaky" }));
        state.GetTask("t1")!.Client.Should().Be("gen1@client");
        state.GetTask("t1")!.State.Should().Be("PENDING");
        state.Apply(Task("task-started", "t1"));
        state.Apply(Task("task-retried", "t1", new JsonObject { ["exception"] = "Retry()" }));
        state.GetTask("t1")!.State.Should().Be("RETRY");
        state.Apply(Task("task-received", "t1"));
        state.GetTask("t1")!.State.Should().Be("RECEIVED", "after a retry the task is received again");
        state.Workers.Select(w => w.Hostname).Should().Equal("celery@w");
    }

    [Fact]
    public void Memory_is_bounded_by_evicting_the_least_recently_updated()
    {
        var state = new ClusterState(_clock, maxWorkers: 2, maxTasks: 3);
        foreach (var id in new[] { "t1", "t2", "t3" }) state.Apply(Task("task-received", id));
        state.Apply(Task("task-started", "t1")); // t1 is now the newest
        state.Apply(Task("task-received", "t4"));

        state.Tasks.Select(t => t.Id).Should().Equal("t3", "t1", "t4");
        state.GetTask("t2").Should().BeNull();

        state.Apply(Event("worker-online", "celery@a"));
        state.Apply(Event("worker-online", "celery@b"));
        state.Apply(Event("worker-online", "celery@c"));
        state.Workers.Select(w => w.Hostname).Should().Equal("celery@b", "celery@c");
        state.EventCount.Should().Be(8);
    }

    [Fact]
    public async Task Runs_from_a_receiver_on_the_in_memory_broker()
    {
        await using var app = CeleriacApp.Create(o => { o.BrokerUrl = $"memory://{Guid.NewGuid():N}"; o.TimeProvider = _clock; });
        var state = new ClusterState(app);
        await using var receiver = await EventReceiver.OpenAsync(app);
        using var stop = new CancellationTokenSource();
        var running = state.RunAsync(receiver, stop.Token);

        var body = """[{"hostname": "celery@w", "utcoffset": 0, "pid": 1, "clock": 1, "uuid": "t1", "name": "tasks.add", "timestamp": 1.0, "type": "task-received"}, {"hostname": "celery@w", "utcoffset": 0, "pid": 1, "clock": 2, "uuid": "t1", "timestamp": 2.0, "type": "task-started"}]""";
        await ((Celeriac.Transport.IBroadcast)app.Transport).PublishAsync("celeryev", "task.multi",
            new Celeriac.Protocol.Messages.BrokerMessage(new JsonObject(), new Celeriac.Protocol.Messages.MessageProperties { DeliveryMode = 1 }, System.Text.Encoding.UTF8.GetBytes(body)));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (state.GetTask("t1")?.State != "STARTED" && DateTime.UtcNow < deadline) await System.Threading.Tasks.Task.Delay(10);
        state.GetTask("t1")!.State.Should().Be("STARTED");
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Events_applied_from_many_threads_while_others_read_snapshots_are_all_counted()
    {
        var state = new ClusterState(_clock, maxTasks: 100_000);
        var events = Enumerable.Range(0, 4000).Select(i => Task(i % 2 == 0 ? "task-received" : "task-started", $"t{i / 2}")).ToList();
        using var stop = new CancellationTokenSource();
        var reader = System.Threading.Tasks.Task.Run(() =>
        {
            while (!stop.IsCancellationRequested) _ = state.Tasks.Count + state.Workers.Count;
        });

        await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, 4).Select(p => System.Threading.Tasks.Task.Run(() =>
        {
            for (var i = p; i < events.Count; i += 4) state.Apply(events[i]);
        })));
        await stop.CancelAsync();
        await reader;

        state.EventCount.Should().Be(4000);
        state.Tasks.Should().HaveCount(2000);
        state.Tasks.Should().OnlyContain(t => t.State == "STARTED", "started wins over received whatever the order");
    }
}
