using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <content>Queue management: declare, depth, purge.</content>
public abstract partial class TransportComplianceTests
{
    [Fact]
    public async Task Declared_queue_starts_empty()
    {
        var queue = await DeclareNewQueueAsync();

        (await Transport.GetQueueDepthAsync(queue)).Should().Be(0);
    }

    [Fact]
    public async Task Declaring_again_is_harmless_and_keeps_waiting_messages()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = Ids(await PublishAsync(queue, 3));

        await Transport.DeclareQueueAsync(queue);
        await (await CreateExtraTransportAsync()).DeclareQueueAsync(queue);

        (await Transport.GetQueueDepthAsync(queue)).Should().Be(3);
        Ids(await (await ConsumeAsync(queue)).ReceiveExactlyAsync(3, Timeout)).Should().Equal(sent);
    }

    [Fact]
    public async Task Depth_counts_waiting_messages_only()
    {
        var queue = await DeclareNewQueueAsync();
        await PublishAsync(queue, 5);
        (await Transport.GetQueueDepthAsync(queue)).Should().Be(5);
        var consumer = await ConsumeAsync(queue);

        var taken = await consumer.ReceiveExactlyAsync(2, Timeout);

        (await Transport.GetQueueDepthAsync(queue)).Should().Be(3, "delivered but unsettled messages are not waiting");
        await consumer.SettleAllAsync(taken, SettleAction.Ack);
        (await Transport.GetQueueDepthAsync(queue)).Should().Be(3);
    }

    [Fact]
    public async Task Purge_returns_the_count_and_empties_the_queue()
    {
        var queue = await DeclareNewQueueAsync();
        await PublishAsync(queue, 7);

        (await Transport.PurgeAsync(queue)).Should().Be(7);

        (await Transport.GetQueueDepthAsync(queue)).Should().Be(0);
        (await Transport.PurgeAsync(queue)).Should().Be(0, "an empty queue purges nothing");
        await ShouldHoldNothingButNewMessagesAsync(queue);
    }

    [Fact]
    public async Task Purge_leaves_delivered_unsettled_messages_alone()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = Ids(await PublishAsync(queue, 3));
        var consumer = await ConsumeAsync(queue);
        var held = await consumer.ReceiveOneAsync(Timeout);

        (await Transport.PurgeAsync(queue)).Should().Be(2, "only waiting messages are purged");
        await CloseAsync(consumer);

        var again = await (await ConsumeAsync(queue)).ReceiveOneAsync(Timeout);
        ComplianceMessages.IdOf(again).Should().Be(sent[0]).And.Be(ComplianceMessages.IdOf(held));
        again.Redelivered.Should().BeTrue();
    }
}
