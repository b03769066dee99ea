using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <content>
/// Changing a consumer's queues while it runs (<see cref="IQueueSetConsumer"/>, the add_consumer and
/// cancel_consumer commands): every transport whose workers support them must pass these.
/// </content>
public abstract partial class TransportComplianceTests
{
    private protected async Task<(ITransportConsumer Consumer, IQueueSetConsumer Queues)> ConsumeChangeablyAsync(params string[] queues)
    {
        var consumer = await ConsumeAsync(queues);
        consumer.Should().BeAssignableTo<IQueueSetConsumer>("the transport's consumer must let add_consumer/cancel_consumer change its queues");
        return (consumer, (IQueueSetConsumer)consumer);
    }

    [Fact]
    public async Task An_added_queue_is_taken_from_and_wakes_a_receive_waiting_on_the_others()
    {
        var (waiting, added) = (await DeclareNewQueueAsync(), await DeclareNewQueueAsync());
        var sent = Ids(await PublishAsync(added, 3));
        var (consumer, queues) = await ConsumeChangeablyAsync(waiting);
        var receiving = consumer.ReceiveExactlyAsync(3, Timeout);

        (await queues.AddQueueAsync(added)).Should().BeTrue();

        Ids(await receiving).Should().Equal(sent);
        queues.Queues.Should().Equal(waiting, added);
        (await queues.AddQueueAsync(added)).Should().BeFalse("it is consumed already");
    }

    [Fact]
    public async Task A_cancelled_queue_is_not_taken_from_and_what_was_taken_from_it_settles_as_usual()
    {
        var (kept, cancelled) = (await DeclareNewQueueAsync(), await DeclareNewQueueAsync());
        await PublishAsync(cancelled, 2);
        var (consumer, queues) = await ConsumeChangeablyAsync(kept, cancelled);
        var taken = await consumer.ReceiveExactlyAsync(2, Timeout);

        (await queues.CancelQueueAsync(cancelled)).Should().BeTrue();
        var later = await PublishOneAsync(cancelled);
        var other = await PublishOneAsync(kept);

        ComplianceMessages.IdOf(await consumer.ReceiveOneAsync(Timeout)).Should().Be(ComplianceMessages.IdOf(other));
        queues.Queues.Should().Equal(kept);
        (await queues.CancelQueueAsync(cancelled)).Should().BeFalse("it was not consumed");
        await consumer.SettleAsync(taken[0], SettleAction.Ack);
        await consumer.SettleAsync(taken[1], SettleAction.Restore);
        (await Transport.GetQueueDepthAsync(cancelled)).Should().Be(2, "the restored one is back beside the one sent after the cancel");
        var drain = await ConsumeAsync(cancelled);
        Ids(await drain.ReceiveExactlyAsync(2, Timeout)).Should().Equal(ComplianceMessages.IdOf(taken[1]), ComplianceMessages.IdOf(later));
    }
}
