using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.RabbitMQ.Tests.Transport;
using Celeriac.RabbitMQ.Transport;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Transport;
using Celeriac.Worker;
using Microsoft.Extensions.Logging;

namespace Celeriac.RabbitMQ.Tests.Delay;

/// <summary>
/// celery#6760 on a real broker whose consumer_timeout is 3 s: held unacked past it, a delivery's
/// channel is closed; a countdown and an acks-late task longer than it complete exactly once with no
/// channel closed (far ETA through Celery 5.5's delay topology, the long task leased); a worker that
/// dies holding a leased task loses nothing: the task comes back after the lease.
/// </summary>
public sealed class ConsumerTimeoutTests(ConsumerTimeoutBroker broker) : IClassFixture<ConsumerTimeoutBroker>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static void Options(CeleriacOptions o, string leaseDuration = "4")
    {
        o.BrokerTransportOptions["consumer_timeout"] = "3"; // what the broker is set to: leases after 1.5 s, far ETAs from 0.75 s
        o.BrokerTransportOptions["lease_duration"] = leaseDuration;
    }

    [RabbitMqFact]
    public async Task Without_leases_a_delivery_held_past_consumer_timeout_has_its_channel_closed_by_the_broker()
    {
        var vhost = await broker.Server.CreateVirtualHostAsync();
        var logs = new ListLoggerFactory();
        await using var transport = RabbitMqTestTransports.Create(broker.Server.Url(vhost), o =>
        {
            Options(o);
            o.BrokerTransportOptions["delivery_lease"] = "false";
        }, logs);
        var queue = RabbitMqTestTransports.NewQueue("ct");
        await transport.DeclareQueueAsync(queue);
        await transport.PublishAsync(RabbitMqTestTransports.NewTask(), DeliveryInfo.ToQueue(queue));
        await using var consumer = await transport.ConsumeAsync([queue]);

        var held = await consumer.ReceiveOneAsync(Timeout);

        await Eventually.SucceedsAsync(() => Task.FromResult(logs.Lines.Should().Contain(l => l.Message.Contains("PRECONDITION_FAILED") && l.Message.Contains("lost"))),
            TimeSpan.FromSeconds(20));
        await Eventually.SucceedsAsync(() => Task.FromResult(broker.TimeoutsLogged().Should().NotBeEmpty("the broker closed the channel for its consumer_timeout")),
            TimeSpan.FromSeconds(20));
        held.Should().NotBeNull();
    }

    [RabbitMqFact]
    public async Task A_countdown_and_an_acks_late_task_longer_than_consumer_timeout_both_complete_once_with_no_channel_closed()
    {
        var vhost = await broker.Server.CreateVirtualHostAsync();
        var queue = RabbitMqTestTransports.NewQueue("ct");
        var logs = new ListLoggerFactory();
        var timeoutsBefore = broker.TimeoutsLogged().Count;
        await using var app = CeleriacApp.Create(o =>
        {
            o.UseRabbitMq();
            o.BrokerUrl = broker.Server.Url(vhost);
            o.ResultBackend = "memory://";
            o.DefaultQueue = queue;
            o.LoggerFactory = logs;
            Options(o);
        });
        int countdownRuns = 0, slowRuns = 0;
        var countdown = app.Task("ct.countdown", () => Interlocked.Increment(ref countdownRuns));
        var slow = app.Task("ct.slow", async (CancellationToken ct) =>
        {
            Interlocked.Increment(ref slowRuns);
            await Task.Delay(TimeSpan.FromSeconds(8), ct);
            return 1;
        }, o => o.AcksLate = true);
        await using var worker = app.CreateWorker(w => w.Concurrency = 2);
        var signals = new WorkerSignalLog(worker);
        await worker.StartAsync();

        var sent = DateTimeOffset.UtcNow;
        var a = await countdown.ApplyAsync(options: new TaskSendOptions { Countdown = TimeSpan.FromSeconds(8) });
        var b = await slow.DelayAsync();
        await signals.WaitForAsync(WorkerSignalKind.Completed, b.Id, TaskStates.Success, Timeout);
        await signals.WaitForAsync(WorkerSignalKind.Completed, a.Id, TaskStates.Success, Timeout);
        var ran = signals.All.First(s => s.Kind == WorkerSignalKind.Completed && s.TaskId == a.Id);
        (DateTimeOffset.UtcNow - sent).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(8), "the countdown was kept");

        // Longer than a lease: a copy left behind would have come back by now.
        await Task.Delay(TimeSpan.FromSeconds(5));
        countdownRuns.Should().Be(1);
        slowRuns.Should().Be(1);
        signals.All.Count(s => s.Kind == WorkerSignalKind.Received && s.TaskId == b.Id).Should().Be(1);
        (await app.Transport.GetQueueDepthAsync(queue)).Should().Be(0);
        logs.Lines.Should().Contain(l => l.Message.StartsWith("Leased a delivery from " + queue, StringComparison.Ordinal), "the acks-late task was leased");
        logs.Lines.Should().Contain(l => l.Message.StartsWith("Renewed the lease", StringComparison.Ordinal), "an 8 s task outlives a 4 s lease");
        logs.Lines.Should().NotContain(l => l.Level >= LogLevel.Warning && !l.Message.Contains("no fanout"), "no channel was lost, no publish failed");
        broker.TimeoutsLogged().Count.Should().Be(timeoutsBefore, "the broker closed no channel for its consumer_timeout");
        var queues = await broker.Server.ListAsync("queues", vhost, "name", "messages");
        queues.Where(q => q[0].StartsWith("celery_delayed_", StringComparison.Ordinal)).Should().HaveCount(28).And.OnlyContain(q => q[1] == "0");
        queues.Where(q => q[0].StartsWith("celeriac.lease.", StringComparison.Ordinal)).Should().BeEmpty("settling a lease deletes its queue");
        ran.Should().NotBeNull();
    }

    [RabbitMqFact]
    public async Task A_leased_delivery_of_a_worker_that_died_comes_back_after_the_lease_and_is_completed_by_another()
    {
        var vhost = await broker.Server.CreateVirtualHostAsync();
        var queue = RabbitMqTestTransports.NewQueue("ct");
        // The dying worker logs in as a user of its own, so it can be cut off for good, as a SIGKILL would.
        await broker.Server.CtlAsync("add_user", "dying", "dying");
        await broker.Server.CtlAsync("set_permissions", "-p", vhost, "dying", ".*", ".*", ".*");
        var dyingUrl = broker.Server.Url(vhost).Replace("guest:guest@", "dying:dying@", StringComparison.Ordinal);
        var dying = RabbitMqTestTransports.Create(dyingUrl, o => Options(o, leaseDuration: "3"));
        await using var survivor = RabbitMqTestTransports.Create(broker.Server.Url(vhost), o => Options(o));
        try
        {
            await dying.DeclareQueueAsync(queue);
            var task = RabbitMqTestTransports.NewTask("ct.acks-late");
            await dying.PublishAsync(task, DeliveryInfo.ToQueue(queue));
            var consumer = (RabbitMqConsumer)await dying.ConsumeAsync([queue]);
            var running = await consumer.ReceiveOneAsync(Timeout);
            await Eventually.SucceedsAsync(() => Task.FromResult(consumer.Guard!.Leases!.Leased.Should().Be(1)), Timeout);
            (await survivor.GetQueueDepthAsync(queue)).Should().Be(0, "the original was acked once its copy was safe in the lease queue");

            await broker.Server.CtlAsync("delete_user", "dying");
            await broker.Server.CtlAsync("close_all_user_connections", "dying", "worker killed");

            await using var other = await survivor.ConsumeAsync([queue]);
            var back = await other.ReceiveOneAsync(Timeout);
            RabbitMqTestTransports.IdOf(back.Message!).Should().Be(RabbitMqTestTransports.IdOf(running.Message!));
            back.Message!.Body.ToArray().Should().Equal(task.Body.ToArray());
            await other.SettleAsync(back, SettleAction.Ack);
            (await other.ReceiveAsync(1, new CancellationTokenSource(TimeSpan.FromSeconds(4)).Token)).Should().BeEmpty("it came back once");
        }
        finally
        {
            await dying.DisposeAsync();
        }
    }

    [RabbitMqFact]
    public async Task A_leased_delivery_requeued_comes_back_once_and_one_rejected_goes_to_its_dead_letter_queue()
    {
        var vhost = await broker.Server.CreateVirtualHostAsync();
        var queue = RabbitMqTestTransports.NewQueue("ct");
        var dead = queue + ".dead";
        await using var transport = RabbitMqTestTransports.Create(broker.Server.Url(vhost), o =>
        {
            Options(o, leaseDuration: "30");
            var settings = new TaskQueue(queue);
            settings.Arguments["x-dead-letter-exchange"] = "";
            settings.Arguments["x-dead-letter-routing-key"] = dead;
            o.TaskQueues.Add(settings);
        });
        await transport.DeclareQueueAsync(queue);
        await transport.DeclareQueueAsync(dead);
        var first = RabbitMqTestTransports.NewTask("ct.requeued");
        var second = RabbitMqTestTransports.NewTask("ct.rejected");
        await transport.PublishAsync(first, DeliveryInfo.ToQueue(queue));
        await transport.PublishAsync(second, DeliveryInfo.ToQueue(queue));
        var consumer = (RabbitMqConsumer)await transport.ConsumeAsync([queue]);
        var held = await consumer.ReceiveExactlyAsync(2, Timeout);
        await Eventually.SucceedsAsync(() => Task.FromResult(consumer.Guard!.Leases!.Leased.Should().Be(2)), Timeout);

        await consumer.SettleAsync(held.Single(d => RabbitMqTestTransports.IdOf(d.Message!) == RabbitMqTestTransports.IdOf(second)), SettleAction.Reject);
        await consumer.SettleAsync(held.Single(d => RabbitMqTestTransports.IdOf(d.Message!) == RabbitMqTestTransports.IdOf(first)), SettleAction.Requeue);

        var again = await consumer.ReceiveOneAsync(Timeout);
        RabbitMqTestTransports.IdOf(again.Message!).Should().Be(RabbitMqTestTransports.IdOf(first));
        await consumer.SettleAsync(again, SettleAction.Ack);
        await using var deadConsumer = await transport.ConsumeAsync([dead]);
        var rejected = await deadConsumer.ReceiveOneAsync(Timeout);
        RabbitMqTestTransports.IdOf(rejected.Message!).Should().Be(RabbitMqTestTransports.IdOf(second));
        await deadConsumer.SettleAsync(rejected, SettleAction.Ack);
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        (await consumer.ReceiveAsync(10, quiet.Token)).Should().BeEmpty("the requeued task came back once");
        (await broker.Server.ListAsync("queues", vhost, "name")).Should().NotContain(q => q[0].StartsWith("celeriac.lease.", StringComparison.Ordinal));
        await consumer.DisposeAsync();
    }
}
