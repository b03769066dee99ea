using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <content>Publishing: what goes in comes out unchanged, in order, to the right queue.</content>
public abstract partial class TransportComplianceTests
{
    [Fact]
    public async Task Published_message_is_received_unchanged()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = ComplianceMessages.Task(7);
        await Transport.PublishAsync(sent, DeliveryInfo.ToQueue(queue));
        var consumer = await ConsumeAsync(queue);

        var delivery = await consumer.ReceiveOneAsync(Timeout);

        delivery.Malformed.Should().BeNull();
        delivery.Queue.Should().Be(queue);
        delivery.Route.Should().Be(new DeliveryInfo("", queue));
        delivery.Redelivered.Should().BeFalse("it was never delivered before");
        delivery.DeliveryTag.Should().NotBeNullOrEmpty();
        delivery.IsSettled.Should().BeFalse();
        var got = delivery.Message!;
        JsonNode.DeepEquals(got.Headers, sent.Headers).Should().BeTrue(
            $"headers must round-trip: sent {sent.Headers.ToJsonString()}, got {got.Headers.ToJsonString()}");
        got.Body.ToArray().Should().Equal(sent.Body.ToArray());
        got.ContentType.Should().Be(ContentTypes.Json);
        got.ContentEncoding.Should().Be("utf-8");
        got.Properties.CorrelationId.Should().Be(ComplianceMessages.IdOf(sent));
        got.Properties.ReplyTo.Should().Be(sent.Properties.ReplyTo);
        got.Properties.DeliveryMode.Should().Be(2);
        got.Properties.Priority.GetValueOrDefault().Should().Be(0);
        got.Properties.Expiration.Should().Be("600000");
        TaskMessageCodec.Decode(got, [ContentTypes.Json]).Id.Should().Be(ComplianceMessages.IdOf(sent));
    }

    [Fact]
    public async Task Messages_of_one_queue_are_received_in_publish_order()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = await PublishAsync(queue, 25);
        var consumer = await ConsumeAsync(queue);

        var received = await consumer.ReceiveExactlyAsync(25, Timeout, maxCount: 4);

        Ids(received).Should().Equal(Ids(sent));
    }

    [Fact]
    public async Task Outstanding_deliveries_have_distinct_tags()
    {
        var queue = await DeclareNewQueueAsync();
        await PublishAsync(queue, 20);
        var consumer = await ConsumeAsync(queue);

        var received = await consumer.ReceiveExactlyAsync(20, Timeout);

        received.Select(d => d.DeliveryTag).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Large_body_round_trips()
    {
        var queue = await DeclareNewQueueAsync();
        var body = new byte[1024 * 1024];
        new Random(42).NextBytes(body);
        var sent = new BrokerMessage(new JsonObject { ["id"] = Guid.NewGuid().ToString() }, new MessageProperties(), body,
            "application/x-compliance-bytes", "binary");
        await Transport.PublishAsync(sent, DeliveryInfo.ToQueue(queue));
        var consumer = await ConsumeAsync(queue);

        var delivery = await consumer.ReceiveOneAsync(Timeout);

        delivery.Message!.Body.ToArray().Should().Equal(body);
        delivery.Message.ContentType.Should().Be("application/x-compliance-bytes");
        delivery.Message.ContentEncoding.Should().Be("binary");
    }

    [Fact]
    public async Task Publishing_to_the_queues_own_exchange_delivers_to_the_queue()
    {
        // Celery declares a direct exchange named like the queue, bound with the queue name.
        var queue = await DeclareNewQueueAsync();
        var sent = ComplianceMessages.Task();
        await Transport.PublishAsync(sent, new DeliveryInfo(queue, queue));
        var consumer = await ConsumeAsync(queue);

        var delivery = await consumer.ReceiveOneAsync(Timeout);

        ComplianceMessages.IdOf(delivery).Should().Be(ComplianceMessages.IdOf(sent));
        delivery.Queue.Should().Be(queue);
        delivery.Route.Should().Be(new DeliveryInfo(queue, queue));
    }

    [Fact]
    public async Task Publisher_and_consumer_do_not_share_the_message()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = ComplianceMessages.Task();
        var id = ComplianceMessages.IdOf(sent);
        await Transport.PublishAsync(sent, DeliveryInfo.ToQueue(queue));
        sent.Headers["task"] = "changed.after.publish";
        sent.Properties.CorrelationId = "changed";

        var delivery = await (await ConsumeAsync(queue)).ReceiveOneAsync(Timeout);

        delivery.Message!.Headers["task"]!.GetValue<string>().Should().Be("compliance.echo");
        delivery.Message.Properties.CorrelationId.Should().Be(id);
    }
}
