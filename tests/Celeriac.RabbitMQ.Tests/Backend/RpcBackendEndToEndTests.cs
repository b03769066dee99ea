using System.Diagnostics;
using Celeriac.Canvas;
using Celeriac.Protocol.Results;
using Celeriac.RabbitMQ.Backend;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Celeriac.RabbitMQ.Tests.Backend;

/// <summary>
/// A Celeriac client and worker on a real rabbitmq-server with <c>result_backend = rpc://</c>:
/// results, failures and progress states reach the sender's reply queue; a group joins; a chord is
/// refused as Celery refuses it.
/// </summary>
public sealed class RpcBackendEndToEndTests(RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    private CeleriacApp App() => CeleriacApp.Create(o =>
    {
        o.BrokerUrl = rabbit.Url;
        o.ResultBackend = "rpc://";
        o.TrackStarted = true;
        o.UseRabbitMq();
    });

    [RabbitMqFact]
    public async Task Success_failure_and_progress_reach_the_client_that_sent_the_task()
    {
        await using var app = App();
        var add = app.Task("rpc.add", (int x, int y) => x + y);
        var fail = app.Task("rpc.fail", (Func<int>)(() => throw new ArgumentException("bad input")));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = app.Task("rpc.progress", async (TaskContext ctx) =>
        {
            await ctx.UpdateStateAsync("PROGRESS", new { current = 3, total = 10 });
            await release.Task;
            return "done";
        });
        await using var worker = app.CreateWorker(w => w.Concurrency = 2);
        await worker.StartAsync();

        var sum = await add.DelayAsync(2, 3);
        (await sum.GetAsync(Within)).Should().Be(5);

        var failed = await fail.DelayAsync();
        var failure = await failed.WaitAsync(Within);
        failure.Status.Should().Be(TaskStates.Failure);
        failure.Exception!.Type.Should().Be("ArgumentException");
        failure.Exception.Message.Should().Contain("bad input");
        failed.Traceback.Should().NotBeNullOrEmpty();

        var running = await progress.DelayAsync();
        var seen = await Eventually.SucceedsAsync(async () =>
        {
            await running.RefreshAsync();
            running.State.Should().Be("PROGRESS");
            return running.Info;
        }, Within);
        seen!["current"]!.GetValue<int>().Should().Be(3);
        release.SetResult();
        (await running.GetAsync(Within)).Should().Be("done");
    }

    [RabbitMqFact]
    public async Task An_unknown_task_reads_as_pending_and_a_group_joins()
    {
        await using var app = App();
        var add = app.Task("rpc.add2", (int x, int y) => x + y);
        await using var worker = app.CreateWorker();
        await worker.StartAsync();

        (await app.Result(Guid.NewGuid().ToString()).RefreshAsync()).State.Should().Be(TaskStates.Pending);
        var group = (GroupResult)await new Group(Enumerable.Range(0, 10).Select(i => add.S(i, i))).ApplyAsync();
        var joined = await group.JoinAsync(Within);
        joined.Select(n => n!.GetValue<int>()).Should().Equal(Enumerable.Range(0, 10).Select(i => 2 * i));
    }

    [RabbitMqFact]
    public async Task A_chord_is_refused_as_celery_refuses_it()
    {
        await using var app = App();
        var add = app.Task("rpc.add3", (int x, int y) => x + y);
        var sum = app.Task("rpc.sum", (int[] xs) => xs.Sum());

        var send = () => new Chord([add.S(1, 1), add.S(2, 2)], sum.S()).ApplyAsync();

        (await send.Should().ThrowAsync<NotSupportedException>()).Which.Message.Should().Be(RpcResultBackend.NoChordSupport);
    }

    [RabbitMqFact]
    public async Task The_client_consumes_its_reply_queue_again_after_the_broker_closes_its_connection()
    {
        await using var workerApp = App();
        workerApp.Task("rpc.add4", (int x, int y) => x + y);
        await using var worker = workerApp.CreateWorker();
        await worker.StartAsync();
        await using var client = App();
        (await (await client.SendTaskAsync("rpc.add4", [1, 1])).GetAsync(Within))!.GetValue<int>().Should().Be(2);
        var oid = client.Publisher.Oid;

        var closed = 0;
        foreach (var row in await rabbit.Server.ListAsync("connections", rabbit.VirtualHost, "pid", "client_properties"))
        {
            if (!row[1].Contains("celeriac-rpc " + oid, StringComparison.Ordinal)) continue;
            await rabbit.Server.CtlAsync("close_connection", row[0], "test closes the rpc client connection");
            closed++;
        }
        closed.Should().Be(1);

        // The queue is auto-delete: it went with its consumer. The client declares and consumes it again by itself.
        await Eventually.SucceedsAsync(async () =>
        {
            var queues = await rabbit.Server.ListAsync("queues", rabbit.VirtualHost, "name", "consumers");
            queues.Should().Contain(q => q[0] == oid && q[1] == "1");
            return true;
        }, Within);
        (await (await client.SendTaskAsync("rpc.add4", [2, 2])).GetAsync(Within))!.GetValue<int>().Should().Be(4);
    }

    [RabbitMqFact]
    public async Task Round_trip_latency()
    {
        await using var app = App();
        var add = app.Task("rpc.rt", (int x, int y) => x + y);
        await using var worker = app.CreateWorker();
        await worker.StartAsync();
        for (var i = 0; i < 50; i++) await (await add.DelayAsync(i, 1)).GetAsync(Within); // warm-up
        var times = new List<double>();
        for (var i = 0; i < 500; i++)
        {
            var clock = Stopwatch.StartNew();
            (await (await add.DelayAsync(i, 1)).GetAsync(Within)).Should().Be(i + 1);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        output.WriteLine($"rpc:// round trip over 500 sequential calls: p50 {times[250]:F3} ms, p90 {times[450]:F3} ms, p99 {times[495]:F3} ms");
    }
}
