using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;
using RabbitMQ.Client;
using static Celeriac.RabbitMQ.Tests.Transport.RabbitMqTestTransports;

namespace Celeriac.RabbitMQ.Tests.Transport;

/// <summary>Publisher confirms: a publish that returns is in its queue, and one that is not never fails silently.</summary>
public sealed class RabbitMqPublishTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [RabbitMqFact]
    public async Task A_publish_no_queue_is_bound_for_throws_unroutable()
    {
        await using var transport = Create(rabbit.Url);
        var nowhere = NewQueue("nowhere");

        var publishing = async () => await transport.PublishAsync(NewTask(), DeliveryInfo.ToQueue(nowhere));

        (await publishing.Should().ThrowAsync<RabbitMqUnroutableException>()).Which.Message.Should().Contain(nowhere);
        // The channel stays usable: the next publish to a real queue is confirmed.
        var queue = NewQueue();
        await transport.DeclareQueueAsync(queue);
        await transport.PublishAsync(NewTask(), DeliveryInfo.ToQueue(queue));
        (await transport.GetQueueDepthAsync(queue)).Should().Be(1);
    }

    [RabbitMqFact]
    public async Task A_publish_to_a_full_queue_that_rejects_publishes_throws_the_nack()
    {
        var queue = NewQueue("full");
        await using var transport = Create(rabbit.Url, o => o.TaskQueues =
        [
            new TaskQueue(queue) { Arguments = { ["x-max-length"] = 2, ["x-overflow"] = "reject-publish" } },
        ]);
        await transport.DeclareQueueAsync(queue);
        await transport.PublishAsync(NewTask(), DeliveryInfo.ToQueue(queue));
        await transport.PublishAsync(NewTask(), DeliveryInfo.ToQueue(queue));

        var publishing = async () => await transport.PublishAsync(NewTask(), DeliveryInfo.ToQueue(queue));

        (await publishing.Should().ThrowAsync<RabbitMqPublishException>()).Which.Should().NotBeOfType<RabbitMqUnroutableException>();
        (await transport.GetQueueDepthAsync(queue)).Should().Be(2);
    }

    [RabbitMqFact]
    public async Task Many_concurrent_publishes_are_all_confirmed_and_in_the_queue()
    {
        const int count = 3000;
        await using var transport = Create(rabbit.Url);
        var queue = NewQueue();
        await transport.DeclareQueueAsync(queue);

        await Task.WhenAll(Enumerable.Range(0, count).Select(i => transport.PublishAsync(NewTask(index: i), DeliveryInfo.ToQueue(queue)).AsTask()));

        (await transport.GetQueueDepthAsync(queue)).Should().Be(count, "every publish that returned was confirmed, so it is in the queue");
    }

    [RabbitMqFact]
    public async Task A_published_task_carries_exactly_the_headers_we_wrote()
    {
        await using var transport = Create(rabbit.Url);
        var queue = NewQueue();
        await transport.DeclareQueueAsync(queue);
        var sent = NewTask();
        await transport.PublishAsync(sent, DeliveryInfo.ToQueue(queue));

        var (channel, _) = await transport.Connection.CreateChannelAsync(publisherConfirms: false);
        await using var _ = channel;
        var got = await channel.BasicGetAsync(queue, autoAck: true);

        got.Should().NotBeNull();
        got!.BasicProperties.Headers!.Keys.Should().BeEquivalentTo(sent.Headers.Select(h => h.Key),
            "no library header (x-dotnet-pub-seq-no) may reach Python peers");
    }

    [RabbitMqFact]
    public async Task A_publish_the_broker_never_confirms_fails_after_confirm_timeout()
    {
        await using var server = await RabbitMqServer.StartAsync();
        await using var transport = Create(server.Url(), o => o.BrokerTransportOptions["confirm_timeout"] = "1");
        var queue = NewQueue();
        await transport.DeclareQueueAsync(queue);
        await transport.PublishAsync(NewTask(), DeliveryInfo.ToQueue(queue));
        // A memory alarm blocks publishing connections: the broker stops reading, so no confirm comes.
        await server.CtlAsync("set_vm_memory_high_watermark", "0.000001");

        var publishing = async () => await transport.PublishAsync(NewTask(), DeliveryInfo.ToQueue(queue));

        (await publishing.Should().ThrowAsync<RabbitMqPublishException>()).Which.Message.Should().Contain("confirm_timeout");
        await server.CtlAsync("set_vm_memory_high_watermark", "0.4");
    }

    [RabbitMqFact]
    public async Task With_confirm_publish_off_publishes_still_arrive()
    {
        await using var transport = Create(rabbit.Url, o => o.BrokerTransportOptions["confirm_publish"] = "false");
        var queue = NewQueue();
        await transport.DeclareQueueAsync(queue);

        for (var i = 0; i < 50; i++) await transport.PublishAsync(NewTask(index: i), DeliveryInfo.ToQueue(queue));

        await Eventually.SucceedsAsync(async () => (await transport.GetQueueDepthAsync(queue)).Should().Be(50), TimeSpan.FromSeconds(10));
        transport.TransportOptions.ConfirmPublish.Should().BeFalse();
    }
}
