using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <content>Settlement (docs/protocol.md §2.4): ack, reject, requeue to the back, restore to the front, close.</content>
public abstract partial class TransportComplianceTests
{
    [Fact]
    public async Task Ack_removes_the_message_for_good()
    {
        var queue = await DeclareNewQueueAsync();
        await PublishOneAsync(queue);
        var consumer = await ConsumeAsync(queue);
        var delivery = await consumer.ReceiveOneAsync(Timeout);

        await consumer.SettleAsync(delivery, SettleAction.Ack);
        await CloseAsync(consumer);

        delivery.IsSettled.Should().BeTrue();
        (await Transport.GetQueueDepthAsync(queue)).Should().Be(0);
        await ShouldHoldNothingButNewMessagesAsync(queue);
    }

    [Fact]
    public async Task Reject_removes_the_message_without_requeue()
    {
        var queue = await DeclareNewQueueAsync();
        await PublishOneAsync(queue);
        var consumer = await ConsumeAsync(queue);
        var delivery = await consumer.ReceiveOneAsync(Timeout);

        await consumer.SettleAsync(delivery, SettleAction.Reject);
        await CloseAsync(consumer);

        (await Transport.GetQueueDepthAsync(queue)).Should().Be(0);
        await ShouldHoldNothingButNewMessagesAsync(queue);
    }

    [Fact]
    public async Task Requeue_puts_the_message_at_the_back_and_marks_it_redelivered()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = Ids(await PublishAsync(queue, 3));
        var consumer = await ConsumeAsync(queue);
        var first = await consumer.ReceiveOneAsync(Timeout);
        ComplianceMessages.IdOf(first).Should().Be(sent[0]);

        await consumer.SettleAsync(first, SettleAction.Requeue);
        var received = await consumer.ReceiveExactlyAsync(3, Timeout);

        if (RequeueGoesToTheBack)
        {
            Ids(received).Should().Equal(sent[1], sent[2], sent[0]);
            received.Select(d => d.Redelivered).Should().Equal(false, false, true);
        }
        else
        {
            Ids(received).Should().BeEquivalentTo(sent, "the requeued message comes back, wherever the broker puts it");
            received.Where(d => d.Redelivered).Select(ComplianceMessages.IdOf).Should().Equal(sent[0]);
        }
    }

    [Fact]
    public async Task Restore_puts_the_message_at_the_front_and_marks_it_redelivered()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = Ids(await PublishAsync(queue, 3));
        var consumer = await ConsumeAsync(queue);
        var first = await consumer.ReceiveOneAsync(Timeout);

        await consumer.SettleAsync(first, SettleAction.Restore);
        var received = await consumer.ReceiveExactlyAsync(3, Timeout);

        Ids(received).Should().Equal(sent);
        received.Select(d => d.Redelivered).Should().Equal(true, false, false);
    }

    [Fact]
    public async Task Restoring_several_in_one_batch_keeps_their_order_at_the_front()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = Ids(await PublishAsync(queue, 6));
        var consumer = await ConsumeAsync(queue);
        var taken = await consumer.ReceiveExactlyAsync(4, Timeout);

        await consumer.SettleAllAsync(taken, SettleAction.Restore);
        var received = await consumer.ReceiveExactlyAsync(6, Timeout);

        Ids(received).Should().Equal(sent);
        received.Select(d => d.Redelivered).Should().Equal(true, true, true, true, false, false);
    }

    [Fact]
    public async Task Closing_a_consumer_restores_its_unsettled_deliveries()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = Ids(await PublishAsync(queue, 8));
        var consumer = await ConsumeAsync(queue);
        var taken = await consumer.ReceiveExactlyAsync(5, Timeout);
        await consumer.SettleAsync(taken[1], SettleAction.Ack);

        await CloseAsync(consumer);
        var next = await ConsumeAsync(queue);
        var received = await next.ReceiveExactlyAsync(7, Timeout);

        // Python restores unacked messages to the front in their delivery order (docs/protocol.md §2.4).
        Ids(received).Should().Equal(sent.Where((_, i) => i != 1), "nothing unsettled is lost, and the restored ones come first");
        if (ClosingLeavesUntakenMessagesUnmarked)
            received.Select(d => d.Redelivered).Should().Equal(true, true, true, true, false, false, false);
        else
            received.Take(4).Should().OnlyContain(d => d.Redelivered, "the ones the closed consumer had taken come back redelivered");
        (await Transport.GetQueueDepthAsync(queue)).Should().Be(0);
    }

    [Fact]
    public async Task Settling_twice_is_ignored()
    {
        var queue = await DeclareNewQueueAsync();
        await PublishAsync(queue, 2);
        var consumer = await ConsumeAsync(queue);
        var taken = await consumer.ReceiveExactlyAsync(2, Timeout);

        await consumer.SettleAsync(taken[0], SettleAction.Ack);
        await consumer.SettleAsync(taken[0], SettleAction.Ack);
        await consumer.SettleAsync(taken[0], SettleAction.Requeue);
        await consumer.SettleAsync([new Settlement(taken[1], SettleAction.Ack), new Settlement(taken[1], SettleAction.Restore)]);
        await CloseAsync(consumer);

        taken.Should().OnlyContain(d => d.IsSettled);
        (await Transport.GetQueueDepthAsync(queue)).Should().Be(0, "only the first settlement of a delivery counts");
        await ShouldHoldNothingButNewMessagesAsync(queue);
    }

    [Fact]
    public async Task Many_deliveries_settle_in_one_batch()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = Ids(await PublishAsync(queue, 60));
        var consumer = await ConsumeAsync(queue);
        var taken = await consumer.ReceiveExactlyAsync(60, Timeout);
        Ids(taken).Should().Equal(sent);

        var actions = new[] { SettleAction.Ack, SettleAction.Reject, SettleAction.Requeue };
        await consumer.SettleAsync(taken.Select((d, i) => new Settlement(d, actions[i % 3])).ToList());
        var requeued = await consumer.ReceiveExactlyAsync(20, Timeout);

        taken.Should().OnlyContain(d => d.IsSettled);
        Ids(requeued).Should().Equal(sent.Where((_, i) => i % 3 == 2), "only the requeued third comes back, in order");
        requeued.Should().OnlyContain(d => d.Redelivered);
        await consumer.SettleAllAsync(requeued, SettleAction.Ack);
        await CloseAsync(consumer);
        await ShouldHoldNothingButNewMessagesAsync(queue);
    }

    [Fact]
    public async Task Changing_a_delivered_message_does_not_change_its_redelivery()
    {
        var queue = await DeclareNewQueueAsync();
        var sent = await PublishOneAsync(queue);
        var consumer = await ConsumeAsync(queue);
        var first = await consumer.ReceiveOneAsync(Timeout);

        first.Message!.Headers["task"] = "changed.by.first.receiver";
        first.Message.Properties.ReplyTo = "changed";
        await consumer.SettleAsync(first, SettleAction.Requeue);
        var again = await consumer.ReceiveOneAsync(Timeout);

        again.Message!.Headers["task"]!.GetValue<string>().Should().Be("compliance.echo");
        again.Message.Properties.ReplyTo.Should().Be(sent.Properties.ReplyTo);
    }
}
