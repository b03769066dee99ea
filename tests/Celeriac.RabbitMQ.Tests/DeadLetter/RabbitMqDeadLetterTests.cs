using System.Text;
using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Tests.DeadLetter;

/// <summary>
/// Dead-lettering on a real rabbitmq-server with Celery's <c>task_queues</c> queue arguments: a
/// malformed message, a task that rejects itself and a message that outlives <c>x-message-ttl</c>
/// all land in the dead-letter queue the user configured, readable (body and headers intact, plus
/// RabbitMQ's <c>x-death</c>), and the worker goes on running tasks.
/// </summary>
public sealed class RabbitMqDeadLetterTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    [RabbitMqFact]
    public async Task Malformed_rejected_and_expired_messages_land_in_the_dead_letter_queue_and_the_worker_goes_on()
    {
        await using var amqp = new AmqpConnection(AmqpSettings.Parse(rabbit.Url), "dlq-test", NullLogger.Instance);
        var (channel, _) = await amqp.CreateChannelAsync(publisherConfirms: false);
        // The dead-letter side is the user's, as with Celery: an exchange and a queue bound to it.
        await channel.ExchangeDeclareAsync("dlx", "direct", durable: true);
        await channel.QueueDeclareAsync("orders.dead", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("orders.dead", "dlx", "orders.dead");

        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = rabbit.Url;
            o.ResultBackend = "memory://dlq";
            o.UseRabbitMq();
            foreach (var (name, extra) in new[] { ("orders", 0), ("orders.slow", 300) })
            {
                var queue = new TaskQueue(name) { Arguments = { ["x-dead-letter-exchange"] = "dlx", ["x-dead-letter-routing-key"] = "orders.dead" } };
                if (extra > 0) queue.Arguments["x-message-ttl"] = extra;
                o.TaskQueues.Add(queue);
            }
        });
        var ok = app.Task("dlq.ok", (int x) => x * 2, t => t.Queue = "orders");
        app.Task("dlq.poison", (Func<TaskContext, int>)(ctx => throw ctx.Reject(requeue: false, reason: "poison")),
            t => { t.Queue = "orders"; t.AcksLate = true; }); // a Reject settles only an unacked message, as in Celery
        await using var worker = app.CreateWorker(w => w.Queues = ["orders"]);
        await worker.StartAsync();
        (await (await ok.DelayAsync(1)).GetAsync(Within)).Should().Be(2, "the worker runs and has declared its queue");

        // 1. Malformed: a task message whose body is not JSON.
        var malformedId = Guid.NewGuid().ToString();
        var properties = new BasicProperties
        {
            ContentType = "application/json", ContentEncoding = "utf-8", CorrelationId = malformedId, DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?> { ["lang"] = "py", ["task"] = "dlq.ok", ["id"] = malformedId, ["x-custom"] = "kept" },
        };
        var malformedBody = Encoding.UTF8.GetBytes("[[1], {}, {\"callbacks\": nul");
        await channel.BasicPublishAsync("", "orders", mandatory: true, properties, malformedBody);
        var dead = await NextDeadAsync(channel);
        dead.Body.ToArray().Should().Equal(malformedBody, "the body is kept as it was sent");
        Text(dead.BasicProperties.Headers!["id"]).Should().Be(malformedId);
        Text(dead.BasicProperties.Headers!["x-custom"]).Should().Be("kept");
        Death(dead).Should().Be(("rejected", "orders"));

        // 2. A task that rejects itself (Reject(requeue: false)).
        var rejected = await app.SendTaskAsync("dlq.poison", options: new TaskSendOptions { Queue = "orders" });
        dead = await NextDeadAsync(channel);
        Text(dead.BasicProperties.Headers!["id"]).Should().Be(rejected.Id);
        Text(dead.BasicProperties.Headers!["task"]).Should().Be("dlq.poison");
        Death(dead).Should().Be(("rejected", "orders"));

        // 3. Expired: sent to a queue with x-message-ttl that nobody consumes.
        var expired = await app.SendTaskAsync("dlq.ok", [3], options: new TaskSendOptions { Queue = "orders.slow" });
        dead = await NextDeadAsync(channel);
        Text(dead.BasicProperties.Headers!["id"]).Should().Be(expired.Id);
        Death(dead).Should().Be(("expired", "orders.slow"));

        // The worker is unharmed.
        (await (await ok.DelayAsync(21)).GetAsync(Within)).Should().Be(42);
        await channel.CloseAsync();
    }

    private static async Task<BasicGetResult> NextDeadAsync(IChannel channel) =>
        await Eventually.SucceedsAsync(async () =>
        {
            var got = await channel.BasicGetAsync("orders.dead", autoAck: true);
            got.Should().NotBeNull("a message should arrive in the dead-letter queue");
            return got!;
        }, Within);

    private static string? Text(object? value) => value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString();

    private static (string? Reason, string? Queue) Death(BasicGetResult dead)
    {
        var deaths = (IList<object?>)dead.BasicProperties.Headers!["x-death"]!;
        var first = (IDictionary<string, object?>)deaths[0]!;
        return (Text(first["reason"]), Text(first["queue"]));
    }
}
