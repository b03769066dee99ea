using Celeriac.Control;
using Celeriac.Events;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// The .NET control client (<c>app.Control</c>) and event receiver / <see cref="ClusterState"/> against a real
/// Python Celery 5.2.6 worker (<c>-E</c>) on real RabbitMQ (<see cref="ControlClientToPythonWorkerTests"/> is the
/// same on Redis): requests through <c>celery.pidbox</c>, replies through the client's
/// <c>&lt;oid&gt;.reply.celery.pidbox</c>, events from <c>celeryev</c> (docs/protocol.md §3.6–3.7).
/// </summary>
public sealed class AmqpControlClientToPythonWorkerTests(AmqpPythonEventsWorkerCluster cluster) : IClassFixture<AmqpPythonEventsWorkerCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly TaskSendOptions ToPython = new() { Queue = AmqpPythonEventsWorkerCluster.Queue };
    private CeleriacApp Client => cluster.Client;
    private CeleriacInspector Inspect => Client.Control.Inspect([cluster.Node], TimeSpan.FromSeconds(5));

    [AmqpInteropFact]
    public async Task Ping_and_stats_by_broadcast_and_by_destination()
    {
        var all = await Client.Control.Inspect().PingAsync();
        var control = await Client.Control.PingAsync(new ControlCallOptions { Destination = [cluster.Node] });
        var stats = (await Inspect.StatsAsync())[cluster.Node];

        all.Should().ContainKey(cluster.Node).WhoseValue.Ok.Should().Be("pong");
        control[cluster.Node].Ok.Should().Be("pong");
        stats.Pid.Should().Be(cluster.Worker.Pid);
        stats.Transport.Should().Be("amqp");
        Client.Clock.Value.Should().BeGreaterThan(0, "replies adjusted the client's clock");
    }

    [AmqpInteropFact]
    public async Task Revoke_flags_the_id_and_python_then_refuses_to_run_it()
    {
        var id = Guid.NewGuid().ToString();

        var replies = await Client.Control.RevokeAsync([id], options: new ControlCallOptions { Destination = [cluster.Node], Reply = true });
        var revoked = (await Inspect.RevokedAsync())[cluster.Node];
        await Client.SendTaskAsync("interop.add", [1, 2], options: ToPython with { TaskId = id });

        replies[cluster.Node].Ok.Should().Be($"tasks {id} flagged as revoked");
        revoked.Should().Contain(id);
        await Poll.UntilAsync(async () => (await cluster.StatusesAsync([id]))[0] == "REVOKED", Timeout, () => cluster.Worker.Describe());
    }

    [AmqpInteropFact]
    public async Task Receiver_and_cluster_state_follow_the_python_worker_and_its_tasks()
    {
        var state = new ClusterState(Client);
        await using var receiver = await EventReceiver.OpenAsync(Client, wakeup: true);
        using var stop = new CancellationTokenSource();
        var running = state.RunAsync(receiver, stop.Token);

        await Poll.UntilAsync(() => Task.FromResult(state.GetWorker(cluster.Node)?.IsOnline == true), Timeout, () => "worker never came online\n" + cluster.Worker.Describe());
        var sent = await Client.SendTaskAsync("interop.add", [1, 2], options: ToPython);
        await Poll.UntilAsync(() => Task.FromResult(state.GetTask(sent.Id)?.State == "SUCCESS"), Timeout, () => $"task state {state.GetTask(sent.Id)?.State}\n" + cluster.Worker.Describe());

        var worker = state.GetWorker(cluster.Node)!;
        (worker.SoftwareIdent, worker.SoftwareVersion).Should().Be(("py-celery", "5.2.6"));
        var task = state.GetTask(sent.Id)!;
        (task.Name, task.Args, task.Result, task.Worker).Should().Be(("interop.add", "(1, 2)", "3", cluster.Node));
        await stop.CancelAsync();
        await running;
    }

    [AmqpInteropFact]
    public async Task A_clients_reply_queue_is_the_one_kombu_would_make_and_goes_away_with_the_app()
    {
        var endpoints = cluster.Endpoints;
        var app = CeleriacApp.Create(o => { o.UseRabbitMq(); o.BrokerUrl = endpoints.BrokerUrl; });
        var before = await ReplyQueuesAsync();
        (await app.Control.Inspect([cluster.Node]).PingAsync()).Should().ContainKey(cluster.Node);

        var mine = (await ReplyQueuesAsync()).Except(before).ToList();
        mine.Should().ContainSingle();
        var bindings = await cluster.Rabbit.ListAsync("bindings", cluster.VirtualHost, "source_name", "routing_key", "destination_name");
        var oid = mine[0][..^".reply.celery.pidbox".Length];
        bindings.Select(b => string.Join(' ', b)).Should().Contain($"reply.celery.pidbox {oid} {mine[0]}");
        await app.DisposeAsync();

        (await ReplyQueuesAsync()).Should().NotContain(mine[0], "the reply queue is deleted with the client");
    }

    private async Task<List<string>> ReplyQueuesAsync() =>
        (await cluster.Rabbit.ListAsync("queues", cluster.VirtualHost, "name"))
            .Select(r => r[0]).Where(n => n.EndsWith(".reply.celery.pidbox", StringComparison.Ordinal)).ToList();
}
