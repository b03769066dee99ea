using Celeriac.Compliance;
using Celeriac.Protocol.Results;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.RabbitMQ.Tests.Transport;
using Celeriac.Worker;

namespace Celeriac.RabbitMQ.Tests.Delay;

/// <summary><c>task_default_queue_type = quorum</c>: task queues declared as quorum queues, tasks run on them, and why Celery 5.2 peers cannot share them.</summary>
public sealed class QuorumQueueTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [RabbitMqFact]
    public async Task With_task_default_queue_type_quorum_task_queues_are_quorum_queues_and_tasks_run_on_them()
    {
        var queue = RabbitMqTestTransports.NewQueue("quorum");
        await using var app = CeleriacApp.Create(o =>
        {
            o.UseRabbitMq();
            o.BrokerUrl = rabbit.Url;
            o.ResultBackend = "memory://";
            o.DefaultQueue = queue;
            o.TaskDefaultQueueType = "quorum";
            o.TaskQueueMaxPriority = 10; // RabbitMQ 3.10 refuses x-max-priority on a quorum queue (406): left off there
        });
        var runs = 0;
        var add = app.Task("quorum.add", (int a, int b) => { Interlocked.Increment(ref runs); return a + b; }, o => o.AcksLate = true);
        await using var worker = app.CreateWorker(w => w.Concurrency = 2);
        var signals = new WorkerSignalLog(worker);
        await worker.StartAsync();

        var sent = new List<string>();
        for (var i = 0; i < 20; i++) sent.Add((await add.DelayAsync(i, 1)).Id);
        foreach (var id in sent) await signals.WaitForAsync(WorkerSignalKind.Completed, id, TaskStates.Success, TimeSpan.FromSeconds(60));

        runs.Should().Be(20);
        var listed = await rabbit.Server.ListAsync("queues", rabbit.VirtualHost, "name", "type", "durable", "arguments");
        var declared = listed.Should().ContainSingle(q => q[0] == queue).Subject;
        declared[1].Should().Be("quorum");
        declared[2].Should().Be("true");
        declared[3].Should().Contain("x-queue-type").And.NotContain("x-max-priority");
        var bindings = await rabbit.Server.ListAsync("bindings", rabbit.VirtualHost, "source_name", "destination_name", "routing_key");
        bindings.Should().Contain(b => b[0] == "celery_delayed_delivery" && b[1] == queue && b[2] == "#." + queue,
            "a quorum queue is bound to the delay topology when consumed, as Celery 5.5 binds it, so Celery 5.5 clients' countdowns reach it");
    }

    [RabbitMqFact]
    public async Task A_celery_5_2_worker_declaring_a_quorum_queue_gets_406_so_quorum_is_for_fleets_without_them()
    {
        var queue = RabbitMqTestTransports.NewQueue("quorum");
        await using var transport = RabbitMqTestTransports.Create(rabbit.Url, o => o.TaskDefaultQueueType = "quorum");
        await transport.DeclareQueueAsync(queue);

        // What Celery 5.2.6's worker declares for a queue of that name: kombu's default Queue, no x-queue-type.
        const string script = """
            import sys
            from kombu import Connection, Exchange, Queue
            port, vhost, name = sys.argv[1], sys.argv[2], sys.argv[3]
            with Connection('amqp://guest:guest@127.0.0.1:%s/%s' % (port, vhost)) as conn:
                try:
                    Queue(name, Exchange(name), routing_key=name)(conn.default_channel).declare()
                    print('declared')
                except Exception as e:
                    print('refused: %s' % e)
            """;
        var (exit, output, errors) = await PythonPeer.RunAsync(script, TimeSpan.FromSeconds(60), rabbit.Server.Port, rabbit.VirtualHost, queue);

        exit.Should().Be(0, errors);
        output.Should().Contain("refused").And.Contain("PRECONDITION_FAILED").And.Contain("x-queue-type");
    }
}
