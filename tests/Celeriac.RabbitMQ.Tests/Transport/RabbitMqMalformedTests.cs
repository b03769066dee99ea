using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.RabbitMQ.Transport;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;
using static Celeriac.RabbitMQ.Tests.Transport.RabbitMqTestTransports;

namespace Celeriac.RabbitMQ.Tests.Transport;

/// <summary>
/// A header .NET cannot decode, published by a real Python peer (py-amqp writes 2**40 with type 'L'):
/// RabbitMQ.Client fails the whole connection on it, so the consumer takes it off the queue through a
/// connection of its own, rejects it with the reason (dead-lettered where the queue says so), and
/// goes on consuming — once, not in a reconnect loop.
/// </summary>
public sealed class RabbitMqMalformedTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [RabbitMqFact]
    public async Task A_header_dotnet_cannot_decode_is_rejected_into_the_dead_letter_queue_and_consuming_goes_on()
    {
        using var logs = new ListLoggerFactory();
        var (queue, dead) = (NewQueue("poison"), NewQueue("dead"));
        await using var transport = Create(rabbit.Url, o => o.TaskQueues =
        [
            new TaskQueue(queue) { Arguments = { ["x-dead-letter-exchange"] = "", ["x-dead-letter-routing-key"] = dead } },
        ], logs);
        await transport.DeclareQueueAsync(dead);
        await transport.DeclareQueueAsync(queue);
        var consumer = await transport.ConsumeAsync([queue]);
        await using var _ = consumer;
        var (before, after) = (NewTask(index: 1), NewTask(index: 2));

        await PyAmqpPublisher.PublishAsync(rabbit.Server.Port, rabbit.VirtualHost, queue, new JsonArray(
            AsPython(before),
            new JsonObject { ["body"] = "[[], {}, {}]", ["headers"] = new JsonObject { ["id"] = "poison-1", ["task"] = "test.echo" }, ["big"] = true },
            AsPython(after)).ToJsonString());

        // 'before' may come twice: taken before the poison killed the connection, then redelivered.
        var received = new List<TransportDelivery>();
        while (received.Select(d => IdOf(d.Message!)).Distinct().Count() < 2) received.AddRange(await ReceiveAsync(consumer, 1, logs));
        received.Select(d => IdOf(d.Message!)).Distinct().Should().BeEquivalentTo([IdOf(before), IdOf(after)]);
        await consumer.SettleAsync(received.Select(d => new Settlement(d, SettleAction.Ack)).ToList());
        (await transport.GetQueueDepthAsync(dead)).Should().Be(1, "the poison is dead-lettered");
        (await transport.GetQueueDepthAsync(queue)).Should().Be(0);
        logs.Lines.Should().ContainSingle(l => l.Level == LogLevel.Error && l.Message.Contains("'big'") && l.Message.Contains("'L'"));
        logs.Lines.Count(l => l.Message.StartsWith("Consumer channel", StringComparison.Ordinal)).Should().Be(1, "one loss, no reconnect loop");

        var later = NewTask(index: 3);
        await transport.PublishAsync(later, DeliveryInfo.ToQueue(queue));
        IdOf((await ReceiveAsync(consumer, 1, logs))[0].Message!).Should().Be(IdOf(later));
    }

    [RabbitMqFact]
    public async Task Bad_json_pickle_and_missing_headers_arrive_as_deliveries_the_worker_can_refuse()
    {
        await using var transport = Create(rabbit.Url);
        var queue = NewQueue("bad");
        await transport.DeclareQueueAsync(queue);
        var consumer = await transport.ConsumeAsync([queue]);
        await using var _ = consumer;

        await PyAmqpPublisher.PublishAsync(rabbit.Server.Port, rabbit.VirtualHost, queue, new JsonArray(
            new JsonObject { ["body"] = "{not json", ["headers"] = new JsonObject { ["id"] = "bad-json", ["task"] = "test.echo" } },
            new JsonObject { ["body"] = "\u0080\u0004K\u0001.", ["content_type"] = "application/x-python-serialize", ["headers"] = new JsonObject { ["id"] = "pickle", ["task"] = "test.echo" } },
            new JsonObject { ["body"] = "[[], {}, {}]" }).ToJsonString());

        var received = await ReceiveAsync(consumer, 3, null);
        foreach (var delivery in received)
        {
            // The transport hands them over as they are; the worker's decoder refuses each (docs/protocol.md §1).
            var decoding = () => TaskMessageCodec.Decode(delivery.Message!, [ContentTypes.Json]);
            decoding.Should().Throw<InvalidMessageException>();
        }
        await consumer.SettleAsync(received.Select(d => new Settlement(d, SettleAction.Reject)).ToList());
        (await transport.GetQueueDepthAsync(queue)).Should().Be(0);
    }

    private static JsonObject AsPython(BrokerMessage message) => new()
    {
        ["body"] = Encoding.UTF8.GetString(message.Body.Span),
        ["headers"] = JsonNode.Parse(message.Headers.ToJsonString()),
    };

    private static async Task<List<TransportDelivery>> ReceiveAsync(ITransportConsumer consumer, int count, ListLoggerFactory? logs)
    {
        using var cts = new CancellationTokenSource(Within);
        var received = new List<TransportDelivery>();
        while (received.Count < count && !cts.IsCancellationRequested) received.AddRange(await consumer.ReceiveAsync(count - received.Count, cts.Token));
        received.Should().HaveCount(count, "log:\n" + string.Join("\n", logs?.Lines.Select(l => $"{l.Level} {l.Message}") ?? []));
        return received;
    }
}
