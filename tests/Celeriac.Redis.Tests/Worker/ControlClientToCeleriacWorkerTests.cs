using Celeriac.Control;
using Celeriac.Events;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Worker;

namespace Celeriac.Redis.Tests.Worker;

/// <summary>
/// The .NET control client, event receiver and cluster state against a Celeriac worker in another
/// app, on a real Redis: what an operator's tool does to a running .NET worker, end to end through
/// the pidbox, the reply queue and the event exchange.
/// </summary>
public sealed class ControlClientToCeleriacWorkerTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _prefix = TestTransports.NewPrefix();
    private readonly string _queue = $"cc-{Guid.NewGuid():N}";
    private readonly string _node = $"cc-{Guid.NewGuid():N}@test";

    private CeleriacApp App() => CeleriacApp.Create(o =>
    {
        o.BrokerUrl = redis.Server.Url(0);
        o.ResultBackend = redis.Server.Url(1);
        o.BrokerTransportOptions["global_keyprefix"] = _prefix;
        o.DefaultQueue = _queue;
        o.UseRedis();
    });

    private ControlCallOptions ToNode => new() { Destination = [_node], Reply = true, Timeout = TimeSpan.FromSeconds(5) };

    private static async Task<WorkerSignal> SignalAsync(CeleriacWorker worker, WorkerSignalKind kind, string taskId, Func<Task> act)
    {
        var seen = new TaskCompletionSource<WorkerSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Signals.Raised += s => { if (s.Kind == kind && s.TaskId == taskId) seen.TrySetResult(s); };
        await act();
        return await seen.Task.WaitAsync(Patience);
    }

    [RedisFact]
    public async Task Inspect_ping_stats_registered_and_active_see_the_worker_and_its_running_task()
    {
        await using var workerApp = App();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = workerApp.Task("cc.hold", async (CancellationToken ct) => { await release.Task.WaitAsync(ct); return 1; });
        await using var worker = workerApp.CreateWorker(w => { w.Hostname = _node; w.Concurrency = 2; });
        await worker.StartAsync();
        await using var client = App();
        var inspect = client.Control.Inspect([_node], TimeSpan.FromSeconds(5));

        (await inspect.PingAsync()).Should().ContainKey(_node).WhoseValue.Ok.Should().Be("pong");
        var stats = (await inspect.StatsAsync())[_node];
        stats.MaxConcurrency.Should().Be(2);
        stats.Pid.Should().Be(Environment.ProcessId);
        (await inspect.RegisteredAsync())[_node].Should().Contain("cc.hold");

        var id = Guid.NewGuid().ToString();
        await SignalAsync(worker, WorkerSignalKind.Started, id, () => hold.ApplyAsync(options: new TaskSendOptions { TaskId = id }));
        var active = (await inspect.ActiveAsync())[_node];
        active.Should().ContainSingle(r => r.Id == id);
        (await inspect.QueryTaskAsync([id]))[_node].Should().ContainKey(id);
        release.SetResult();
    }

    [RedisFact]
    public async Task Terminate_through_the_client_stops_a_running_task_and_stores_it_REVOKED()
    {
        await using var workerApp = App();
        var hold = workerApp.Task("cc.forever", async (CancellationToken ct) => { await Task.Delay(Timeout.Infinite, ct); return 0; });
        await using var worker = workerApp.CreateWorker(w => { w.Hostname = _node; w.Concurrency = 1; });
        await worker.StartAsync();
        await using var client = App();
        var id = Guid.NewGuid().ToString();
        await SignalAsync(worker, WorkerSignalKind.Started, id, () => hold.ApplyAsync(options: new TaskSendOptions { TaskId = id }));

        var done = await SignalAsync(worker, WorkerSignalKind.Completed, id, async () =>
        {
            var replies = await client.Control.RevokeAsync([id], terminate: true, options: ToNode);
            replies[_node].Ok.Should().Be($"terminate: {id}");
        });

        done.State.Should().Be(TaskStates.Revoked);
        var meta = await client.Backend.GetAsync(id);
        meta.Status.Should().Be(TaskStates.Revoked);
        meta.Exception!.Message.Should().Be("terminated");
    }

    [RedisFact]
    public async Task Pool_grow_rate_limit_and_add_consumer_take_effect_on_the_worker()
    {
        await using var workerApp = App();
        var add = workerApp.Task("cc.add", (int x, int y) => x + y);
        await using var worker = workerApp.CreateWorker(w => { w.Hostname = _node; w.Concurrency = 1; });
        await worker.StartAsync();
        await using var client = App();

        (await client.Control.PoolGrowAsync(2, ToNode))[_node].Ok.Should().Be("pool will grow");
        worker.Concurrency.Should().Be(3);
        (await client.Control.RateLimitAsync("cc.add", "10/s", ToNode))[_node].Ok.Should().Be("new rate limit set successfully");
        (await client.Control.RateLimitAsync("cc.nope", "10/s", ToNode))[_node].Error.Should().Be("unknown task");

        var other = _queue + ".extra";
        (await client.Control.AddConsumerAsync(other, options: ToNode))[_node].Ok.Should().Be($"add consumer {other}");
        worker.ConsumingQueues.Should().Contain(other);
        var id = Guid.NewGuid().ToString();
        var done = await SignalAsync(worker, WorkerSignalKind.Completed, id,
            () => client.SendTaskAsync("cc.add", [2, 3], options: new TaskSendOptions { TaskId = id, Queue = other }));
        done.State.Should().Be(TaskStates.Success);
        (await client.Result<int>(id).GetAsync(Patience)).Should().Be(5);
    }

    [RedisFact]
    public async Task Events_enabled_remotely_reach_a_cluster_state_and_a_remote_shutdown_marks_the_worker_offline()
    {
        await using var workerApp = App();
        var add = workerApp.Task("cc.add", (int x, int y) => x + y);
        await using var worker = workerApp.CreateWorker(w => { w.Hostname = _node; w.Concurrency = 1; });
        await using var client = App();
        await using var receiver = await EventReceiver.OpenAsync(client);
        var state = new ClusterState(client);
        using var stop = new CancellationTokenSource();
        var folding = state.RunAsync(receiver, stop.Token);
        await worker.StartAsync();

        await Eventually.SucceedsAsync(() => Task.FromResult(state.GetWorker(_node)?.IsOnline == true ? true : throw new InvalidOperationException("not online yet")), Patience);
        state.GetWorker(_node)!.SoftwareIdent.Should().Be("celeriac");
        (await client.Control.EnableEventsAsync(ToNode))[_node].Ok.Should().Be("task events enabled");

        var id = Guid.NewGuid().ToString();
        await SignalAsync(worker, WorkerSignalKind.Completed, id, () => add.ApplyAsync(2, 2, new TaskSendOptions { TaskId = id }));
        await Eventually.SucceedsAsync(() => Task.FromResult(state.GetTask(id)?.State == TaskStates.Success ? true : throw new InvalidOperationException($"task state {state.GetTask(id)?.State}")), Patience);
        var task = state.GetTask(id)!;
        task.Name.Should().Be("cc.add");
        task.Result.Should().Be("4");
        task.Worker.Should().Be(_node);

        await client.Control.ShutdownAsync(new ControlCallOptions { Destination = [_node] });
        await worker.StopAsync().WaitAsync(Patience);
        await Eventually.SucceedsAsync(() => Task.FromResult(state.GetWorker(_node)?.IsOnline == false ? true : throw new InvalidOperationException("still online")), Patience);
        await stop.CancelAsync();
        await folding.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
