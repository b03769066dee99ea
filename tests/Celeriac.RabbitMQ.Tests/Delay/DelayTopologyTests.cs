using System.Diagnostics;
using Celeriac.Compliance;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Delay;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.RabbitMQ.Tests.Transport;
using Celeriac.RabbitMQ.Transport;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Transport;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Tests.Delay;

/// <summary>
/// Celery 5.5's delay topology on a real broker: declared so a Celery 5.5 peer's declarations match,
/// one delivery per arrival however many bindings lead to the queue, and what comes out is an
/// ordinary message a Celery 5.2.6 worker runs.
/// </summary>
public sealed class DelayTopologyTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [RabbitMqFact]
    public async Task The_topology_matches_what_celery_5_5_declares_so_its_declarations_get_no_406()
    {
        var vhost = await rabbit.Server.CreateVirtualHostAsync();
        await using var transport = RabbitMqTestTransports.Create(rabbit.Server.Url(vhost));
        var queue = RabbitMqTestTransports.NewQueue("dt");
        await transport.DeclareQueueAsync(queue);
        await transport.Delay.Delayed.EnsureBoundAsync(queue, CancellationToken.None);

        // Celery 5.5's declarations (docs/architecture.md, RabbitMQ), made with kombu's primitives from Python:
        // an argument or flag of ours that differs would fail with 406 PRECONDITION_FAILED.
        const string script = """
            import sys
            from kombu import Connection, Exchange, Queue
            port, vhost = sys.argv[1], sys.argv[2]
            with Connection('amqp://guest:guest@127.0.0.1:%s/%s' % (port, vhost)) as conn:
                ch = conn.default_channel
                for level in range(27, -1, -1):
                    name = 'celery_delayed_%d' % level
                    Exchange(name, type='topic')(ch).declare()
                    args = {'x-queue-type': 'quorum', 'x-overflow': 'reject-publish', 'x-message-ttl': pow(2, level) * 1000,
                            'x-dead-letter-exchange': 'celery_delayed_%d' % (level - 1) if level > 0 else 'celery_delayed_delivery',
                            'x-dead-letter-strategy': 'at-least-once'}
                    Queue(name, queue_arguments=args)(ch).declare()
                Exchange('celery_delayed_delivery', type='topic')(ch).declare()
                print('ok')
            """;
        var (exit, output, errors) = await PythonPeer.RunAsync(script, Timeout, rabbit.Server.Port, vhost);
        exit.Should().Be(0, errors);
        output.Should().Contain("ok");

        var bindings = await rabbit.Server.ListAsync("bindings", vhost, "source_name", "destination_name", "routing_key");
        bindings.Should().Contain(b => b[0] == "celery_delayed_6" && b[1] == "celery_delayed_6" && b[2] == NativeDelayTopology.QueueBindingKey(6));
        bindings.Should().Contain(b => b[0] == "celery_delayed_27" && b[1] == "celery_delayed_26" && b[2] == "0.#");
        bindings.Should().Contain(b => b[0] == "celery_delayed_0" && b[1] == "celery_delayed_delivery" && b[2] == NativeDelayTopology.PassOnBindingKey(0));
        bindings.Should().Contain(b => b[0] == "celery_delayed_delivery" && b[1] == queue && b[2] == "#." + queue);
    }

    [RabbitMqFact]
    public async Task A_delayed_message_comes_out_once_even_where_a_celery_5_5_worker_bound_the_queues_exchange_too()
    {
        var vhost = await rabbit.Server.CreateVirtualHostAsync();
        var queue = RabbitMqTestTransports.NewQueue("dt");
        var settings = new TaskQueue(queue) { Exchange = "tasks", ExchangeType = "topic", RoutingKey = "tasks.dt" };
        await using var transport = RabbitMqTestTransports.Create(rabbit.Server.Url(vhost), o => o.TaskQueues.Add(settings));
        await transport.DeclareQueueAsync(queue);
        await transport.Delay.Delayed.EnsureBoundAsync(queue, CancellationToken.None);
        var factory = new ConnectionFactory { Uri = new Uri(rabbit.Server.Url(vhost)) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            // Celery 5.5's bind_queue_to_native_delayed_delivery_exchange for a topic exchange.
            await channel.ExchangeBindAsync("tasks", NativeDelayTopology.DeliveryExchange, "#.tasks.dt");
            await channel.QueueBindAsync(queue, "tasks", "#.tasks.dt");
        }

        var message = RabbitMqTestTransports.NewTask();
        var started = Stopwatch.StartNew();
        await transport.Delay.Delayed.PublishAsync(queue, 2, Wire.AmqpMessages.Properties(message), message.Body, CancellationToken.None);
        await using var consumer = await transport.ConsumeAsync([queue]);
        var delivery = await consumer.ReceiveOneAsync(Timeout);
        started.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(1.9), "it waited 2 s in celery_delayed_1");
        RabbitMqTestTransports.IdOf(delivery.Message!).Should().Be(RabbitMqTestTransports.IdOf(message));
        delivery.Message!.Headers.Should().ContainKey("x-death", "it was dead-lettered out of celery_delayed_1");
        await consumer.SettleAsync(delivery, SettleAction.Ack);
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        (await consumer.ReceiveAsync(10, quiet.Token)).Should().BeEmpty("three routes lead to the queue, but RabbitMQ delivers one copy per queue");
    }

    [RabbitMqFact]
    public async Task A_far_eta_deferred_by_celeriac_is_run_by_a_celery_5_2_6_worker_when_it_comes_out()
    {
        var vhost = await rabbit.Server.CreateVirtualHostAsync();
        var queue = RabbitMqTestTransports.NewQueue("dt");
        var logs = new ListLoggerFactory();
        var transport = RabbitMqTestTransports.Create(rabbit.Server.Url(vhost), o => o.BrokerTransportOptions["consumer_timeout"] = "8", logs); // far from 2 s on
        var eta = DateTimeOffset.UtcNow.AddSeconds(6);
        var task = new TaskMessage { Task = "delay.mark", Id = Guid.NewGuid().ToString(), Args = new JsonArray("deferred"), Kwargs = [], Eta = eta };
        try
        {
            await transport.DeclareQueueAsync(queue);
            await transport.PublishAsync(TaskMessageCodec.Encode(task), DeliveryInfo.ToQueue(queue));
            var consumer = (RabbitMqConsumer)await transport.ConsumeAsync([queue]);
            _ = consumer.ReceiveAsync(1, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token).AsTask();
            await Eventually.SucceedsAsync(() => Task.FromResult(consumer.Guard!.Deferred.Should().Be(1)), Timeout);
            await consumer.DisposeAsync();
        }
        finally
        {
            await transport.DisposeAsync();
        }
        (await rabbit.Server.ListAsync("queues", vhost, "name", "messages")).Should().Contain(q => q[0] == queue && q[1] == "0", "the task waits in the topology");

        var marks = Path.Combine(Path.GetTempPath(), $"celeriac-delay-{Guid.NewGuid():N}.txt");
        const string script = """
            import sys, datetime
            from celery import Celery
            port, vhost, queue, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
            app = Celery('peer', broker='amqp://guest:guest@127.0.0.1:%s/%s' % (port, vhost))
            @app.task(name='delay.mark')
            def mark(text):
                with open(out, 'a') as f:
                    f.write('%s %s\n' % (text, datetime.datetime.now(datetime.timezone.utc).isoformat()))
            app.worker_main(['worker', '-P', 'solo', '-Q', queue, '--without-gossip', '--without-mingle', '--without-heartbeat', '-l', 'warning'])
            """;
        using var worker = PythonPeer.Start(script, rabbit.Server.Port, vhost, queue, marks);
        var run = PythonPeer.WaitAsync(worker, TimeSpan.FromSeconds(120));
        try
        {
            var line = await Eventually.SucceedsAsync(async () =>
            {
                if (run.IsCompleted) throw new InvalidOperationException($"the Celery worker exited: {(await run).Errors}");
                File.Exists(marks).Should().BeTrue();
                return (await File.ReadAllTextAsync(marks)).Trim();
            }, Timeout);
            line.Should().StartWith("deferred ");
            DateTimeOffset.Parse(line["deferred ".Length..], System.Globalization.CultureInfo.InvariantCulture).Should().BeOnOrAfter(eta.AddMilliseconds(-1), "Celery kept the ETA");
        }
        finally
        {
            if (!worker.HasExited) worker.Kill(entireProcessTree: true); // the one we started
            try { await run; } catch (Exception e) when (e is TimeoutException or InvalidOperationException) { }
            File.Delete(marks);
        }
    }

    [RabbitMqFact]
    public async Task Far_etas_deferred_among_tasks_acked_in_batches_are_all_kept_and_no_channel_is_lost()
    {
        var vhost = await rabbit.Server.CreateVirtualHostAsync();
        var queue = RabbitMqTestTransports.NewQueue("dt");
        var logs = new ListLoggerFactory();
        await using var transport = RabbitMqTestTransports.Create(rabbit.Server.Url(vhost), logs: logs);
        await transport.DeclareQueueAsync(queue);
        var plain = new HashSet<string>();
        const int count = 400;
        for (var i = 0; i < count; i++)
        {
            var task = new TaskMessage { Task = "dt.mixed", Id = Guid.NewGuid().ToString(), Args = new JsonArray(i), Kwargs = [], Eta = i % 2 == 0 ? DateTimeOffset.UtcNow.AddHours(1) : null };
            if (i % 2 == 1) plain.Add(task.Id);
            await transport.PublishAsync(TaskMessageCodec.Encode(task), DeliveryInfo.ToQueue(queue));
        }
        var consumer = (RabbitMqConsumer)await transport.ConsumeAsync([queue]);
        var received = new List<string>();
        while (received.Count < plain.Count)
        {
            // Batches acked as one multiple ack where they are the channel's oldest tags: never over a deferral in flight.
            var batch = await consumer.ReceiveExactlyAsync(1, Timeout, maxCount: 16);
            received.AddRange(batch.Select(d => RabbitMqTestTransports.IdOf(d.Message!)));
            await consumer.SettleAllAsync(batch, SettleAction.Ack);
        }
        await Eventually.SucceedsAsync(() => Task.FromResult(consumer.Guard!.Deferred.Should().Be(count / 2)), Timeout);
        await consumer.DisposeAsync();

        received.Should().BeEquivalentTo(plain, "every task without an ETA came once; none with one reached the worker");
        logs.Lines.Should().NotContain(l => l.Message.Contains("lost") || l.Message.Contains("PRECONDITION_FAILED"));
        // Queue statistics reach rabbitmqctl every few seconds.
        await Eventually.SucceedsAsync(async () =>
        {
            var queues = await rabbit.Server.ListAsync("queues", vhost, "name", "messages");
            queues.Where(q => q[0].StartsWith("celery_delayed_", StringComparison.Ordinal)).Sum(q => int.Parse(q[1], System.Globalization.CultureInfo.InvariantCulture))
                .Should().Be(count / 2, "each far ETA waits in the topology once");
            return queues.Should().Contain(q => q[0] == queue && q[1] == "0");
        }, TimeSpan.FromSeconds(30));
    }
}
