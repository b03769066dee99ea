using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.RabbitMQ.Tests.Transport;
using Celeriac.Worker;

namespace Celeriac.RabbitMQ.Tests.Worker;

/// <summary>
/// A worker on RabbitMQ fed what a Python peer can publish raw (py-amqp): bad JSON, pickle, missing
/// headers and a header .NET cannot decode are each rejected — into the queue's dead-letter queue —
/// and the worker runs the good task sent after them.
/// </summary>
public sealed class RabbitMqWorkerBadInputTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [RabbitMqFact]
    public async Task Malformed_messages_are_dead_lettered_and_the_worker_goes_on()
    {
        var (queue, dead) = ($"bad-{Guid.NewGuid():N}", $"bad-dlq-{Guid.NewGuid():N}");
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = rabbit.Url;
            o.ResultBackend = $"memory://{queue}";
            o.DefaultQueue = queue;
            o.TaskQueues = [new TaskQueue(queue) { Arguments = { ["x-dead-letter-exchange"] = "", ["x-dead-letter-routing-key"] = dead } }];
            o.UseRabbitMq();
        });
        var task = app.Task("bad.echo", (int i) => i);
        await app.Transport.DeclareQueueAsync(dead);
        await using var worker = app.CreateWorker(w => w.Concurrency = 2);
        var completed = new ConcurrentDictionary<string, byte>();
        var rejected = 0;
        worker.Signals.Raised += s =>
        {
            if (s.Kind == WorkerSignalKind.Completed) completed[s.TaskId!] = 0;
            if (s.Kind == WorkerSignalKind.Rejected) Interlocked.Increment(ref rejected);
        };
        await worker.StartAsync();

        await PyAmqpPublisher.PublishAsync(rabbit.Server.Port, rabbit.VirtualHost, queue, new JsonArray(
            new JsonObject { ["body"] = "{not json", ["headers"] = new JsonObject { ["id"] = "bad-json", ["task"] = "bad.echo" } },
            new JsonObject { ["body"] = "\u0080\u0004K\u0001.", ["content_type"] = "application/x-python-serialize", ["headers"] = new JsonObject { ["id"] = "pickle", ["task"] = "bad.echo" } },
            new JsonObject { ["body"] = "[[1], {}, {}]" },
            new JsonObject { ["body"] = "[[1], {}, {}]", ["headers"] = new JsonObject { ["id"] = "big", ["task"] = "bad.echo" }, ["big"] = true }).ToJsonString());
        var good = await task.ApplyAsync(7);

        await UntilAsync(() => completed.ContainsKey(good.Id), "the good task sent after the bad ones runs");
        await UntilAsync(async () => await app.Transport.GetQueueDepthAsync(dead) == 4, "all four bad messages are dead-lettered");
        // The worker refuses three (the undecodable one never reaches it: the transport rejects it). A refusal
        // sent just as the poison dropped the connection is not settled, so that message comes again and is refused again.
        rejected.Should().BeGreaterThanOrEqualTo(3);
        (await app.Transport.GetQueueDepthAsync(queue)).Should().Be(0);
    }

    private static async Task UntilAsync(Func<bool> condition, string because) => await UntilAsync(() => Task.FromResult(condition()), because);

    private static async Task UntilAsync(Func<Task<bool>> condition, string because)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, because);
            await Task.Delay(50);
        }
    }
}
