using Celeriac.Control;
using Celeriac.Events;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// The .NET control client (<c>app.Control</c>) and event receiver / <see cref="ClusterState"/>
/// against a real Python Celery 5.2.6 worker (<c>-E</c>) on real Redis.
/// </summary>
public sealed class ControlClientToPythonWorkerTests(PythonEventsWorkerCluster cluster) : IClassFixture<PythonEventsWorkerCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly TaskSendOptions ToPython = new() { Queue = PythonEventsWorkerCluster.Queue };
    private CeleriacApp Client => cluster.Client;
    private CeleriacInspector Inspect => Client.Control.Inspect([cluster.Node], TimeSpan.FromSeconds(5));

    [InteropFact]
    public async Task Ping_by_broadcast_and_by_destination()
    {
        var all = await Client.Control.Inspect().PingAsync();
        var one = await Inspect.PingAsync();
        var control = await Client.Control.PingAsync(new ControlCallOptions { Destination = [cluster.Node] });

        all.Should().ContainKey(cluster.Node).WhoseValue.Ok.Should().Be("pong");
        one.Keys.Should().Equal(cluster.Node);
        control[cluster.Node].Ok.Should().Be("pong");
    }

    [InteropFact]
    public async Task Stats_registered_and_active_queues_read_as_typed_replies()
    {
        var stats = (await Inspect.StatsAsync())[cluster.Node];
        var registered = (await Inspect.RegisteredAsync())[cluster.Node];
        var queues = (await Inspect.ActiveQueuesAsync())[cluster.Node];
        var clock = (await Inspect.ClockAsync())[cluster.Node];
        var report = (await Inspect.ReportAsync())[cluster.Node];

        stats.Pid.Should().Be(cluster.Worker.Pid);
        stats.MaxConcurrency.Should().Be(2);
        stats.Transport.Should().Be("redis");
        stats.Clock.Should().BeGreaterThan(0);
        stats.Raw["rusage"].Should().NotBeNull();
        registered.Should().Contain(["interop.add", "interop.sleep", "py.add_one"]);
        queues.Select(q => q.Name).Should().Equal(PythonEventsWorkerCluster.Queue);
        queues[0].ExchangeType.Should().Be("direct");
        clock.Should().BeGreaterThan(0);
        report.Should().Contain("celery:5.2.6");
        Client.Clock.Value.Should().BeGreaterThan(0, "replies adjusted the client's clock");
    }

    [InteropFact]
    public async Task Active_and_query_task_show_a_running_task()
    {
        // The task must still run at query_task, however slow the polls before it are on a loaded box: it
        // sleeps far longer than the test takes and is terminated at its end.
        var sent = await Client.SendTaskAsync("interop.sleep", [300], options: ToPython);
        try
        {
            IReadOnlyList<TaskRequestInfo> active = [];
            await Poll.UntilAsync(async () => (active = (await Inspect.ActiveAsync())[cluster.Node]).Any(t => t.Id == sent.Id), Timeout, () => cluster.Worker.Describe());
            var query = (await Inspect.QueryTaskAsync([sent.Id]))[cluster.Node];

            var task = active.Single(t => t.Id == sent.Id);
            (task.Type, task.Name, task.Hostname, task.Acknowledged, task.RoutingKey).Should().Be(("interop.sleep", "interop.sleep", cluster.Node, true, PythonEventsWorkerCluster.Queue));
            task.TimeStart.Should().NotBeNull();
            task.WorkerPid.Should().NotBeNull();
            query.Should().ContainKey(sent.Id);
            query[sent.Id].State.Should().Be("active");
        }
        finally
        {
            // Frees the Python worker's slot for the fixture's other tests.
            await Client.Control.RevokeAsync([sent.Id], terminate: true);
        }
        (await sent.WaitAsync(Timeout)).Status.Should().Be(Celeriac.Protocol.Results.TaskStates.Revoked);
    }

    [InteropFact]
    public async Task Rate_limit_and_time_limit_get_pythons_answers()
    {
        var rate = await Client.Control.RateLimitAsync("interop.mul", "100/m", new ControlCallOptions { Destination = [cluster.Node], Reply = true });
        var time = await Client.Control.TimeLimitAsync("interop.mul", soft: 50, hard: 60, new ControlCallOptions { Destination = [cluster.Node], Reply = true });
        var unknown = await Client.Control.RateLimitAsync("no.such.task", "1/s", new ControlCallOptions { Destination = [cluster.Node], Reply = true });

        rate[cluster.Node].Ok.Should().Be("new rate limit set successfully");
        time[cluster.Node].Ok.Should().Be("time limits set successfully");
        unknown[cluster.Node].IsError.Should().BeTrue();
        unknown[cluster.Node].Error.Should().Contain("unknown task");
    }

    [InteropFact]
    public async Task Revoke_flags_the_id_and_python_then_refuses_to_run_it()
    {
        var id = Guid.NewGuid().ToString();

        var replies = await Client.Control.RevokeAsync([id], options: new ControlCallOptions { Destination = [cluster.Node], Reply = true });
        var revoked = (await Inspect.RevokedAsync())[cluster.Node];
        var sent = await Client.SendTaskAsync("interop.add", [1, 2], options: ToPython with { TaskId = id });

        replies[cluster.Node].Ok.Should().Be($"tasks {id} flagged as revoked");
        revoked.Should().Contain(id);
        await Poll.UntilAsync(async () => (await cluster.StatusesAsync([id]))[0] == "REVOKED", Timeout, () => cluster.Worker.Describe());
        sent.Id.Should().Be(id);
    }

    [InteropFact]
    public async Task Receiver_and_cluster_state_follow_the_python_worker_and_its_tasks()
    {
        var state = new ClusterState(Client);
        await using var receiver = await EventReceiver.OpenAsync(Client, wakeup: true);
        using var stop = new CancellationTokenSource();
        var running = state.RunAsync(receiver, stop.Token);

        await Poll.UntilAsync(() => Task.FromResult(state.GetWorker(cluster.Node)?.IsOnline == true), Timeout, () => "worker never came online\n" + cluster.Worker.Describe());
        var sent = await Client.SendTaskAsync("interop.add", [1, 2], options: ToPython);
        await Poll.UntilAsync(() => Task.FromResult(state.GetTask(sent.Id)?.State == "SUCCESS"), Timeout, () => $"task state {state.GetTask(sent.Id)?.State}\n" + cluster.Worker.Describe());
        // A periodic heartbeat (not only the one the wakeup asked for) carries the counters.
        await Poll.UntilAsync(() => Task.FromResult(state.GetWorker(cluster.Node)?.Processed >= 1), Timeout, () => "no heartbeat after the task");

        var worker = state.GetWorker(cluster.Node)!;
        (worker.SoftwareIdent, worker.SoftwareVersion, worker.Freq).Should().Be(("py-celery", "5.2.6", 2.0));
        worker.LoadAverage.Should().HaveCount(3);
        worker.Pid.Should().Be(cluster.Worker.Pid);
        var task = state.GetTask(sent.Id)!;
        (task.Name, task.Args, task.Result, task.Worker).Should().Be(("interop.add", "(1, 2)", "3", cluster.Node));
        task.Runtime.Should().BePositive();
        task.StateTimes.Keys.Should().Contain(["received", "started", "succeeded"]);
        await stop.CancelAsync();
        await running;
    }

    [InteropFact]
    public async Task Shutdown_stops_the_python_worker_and_the_cluster_state_sees_it_go_offline()
    {
        await using var worker = await PythonWorker.StartAsync(cluster.Endpoints, ["ctl.py.leaving"], events: true);
        var node = (await Client.Control.Inspect(timeout: TimeSpan.FromSeconds(3)).PingAsync()).Keys.Single(n => n != cluster.Node);
        var state = new ClusterState(Client);
        await using var receiver = await EventReceiver.OpenAsync(Client, "worker.#", wakeup: true);
        using var stop = new CancellationTokenSource();
        var running = state.RunAsync(receiver, stop.Token);
        await Poll.UntilAsync(() => Task.FromResult(state.GetWorker(node)?.IsOnline == true), Timeout, () => worker.Describe());

        await Client.Control.ShutdownAsync(new ControlCallOptions { Destination = [node] });

        (await worker.WaitForExitAsync(Timeout)).Should().Be(0, worker.Describe());
        await Poll.UntilAsync(() => Task.FromResult(state.GetWorker(node) is { IsOnline: false, LastHeartbeat: null }), Timeout, () => "no worker-offline\n" + worker.Describe());
        state.GetWorker(cluster.Node)?.IsOnline.Should().BeTrue("the other worker is untouched");
        (await Client.Control.Inspect(timeout: TimeSpan.FromSeconds(2)).PingAsync()).Keys.Should().Equal(cluster.Node);
        await stop.CancelAsync();
        await running;
    }

    [InteropFact]
    public async Task A_clients_reply_queue_is_the_one_kombu_would_make_and_goes_away_with_the_app()
    {
        var endpoints = cluster.Endpoints;
        var app = CeleriacApp.Create(o => { o.UseRedis(); o.BrokerUrl = endpoints.BrokerUrl; });
        var before = await cluster.Broker.ListAsync("SMEMBERS", "_kombu.binding.reply.celery.pidbox");
        (await app.Control.Inspect([cluster.Node]).PingAsync()).Should().ContainKey(cluster.Node);

        var members = await cluster.Broker.ListAsync("SMEMBERS", "_kombu.binding.reply.celery.pidbox");
        var mine = members.Except(before).Select(m => m.Split("\u0006\u0016")).Where(p => p.Length == 3 && p[2] == p[0] + ".reply.celery.pidbox").ToList();
        mine.Should().ContainSingle("the binding is routing key <oid>, empty pattern, queue <oid>.reply.celery.pidbox: {0}", string.Join(" | ", members));
        await app.DisposeAsync();

        var after = await cluster.Broker.ListAsync("SMEMBERS", "_kombu.binding.reply.celery.pidbox");
        foreach (var binding in mine)
        {
            after.Should().NotContain(string.Join("\u0006\u0016", binding));
            (await cluster.Broker.IntegerAsync("EXISTS", binding[2])).Should().Be(0);
        }
    }
}
