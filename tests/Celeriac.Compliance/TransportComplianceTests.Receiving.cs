using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <content>Receiving: credit, blocking, cancellation, several queues.</content>
public abstract partial class TransportComplianceTests
{
    [Fact]
    public async Task Receive_returns_at_most_max_count_and_leaves_the_rest_waiting()
    {
        var queue = await DeclareNewQueueAsync();
        await PublishAsync(queue, 10);
        var consumer = await ConsumeAsync(queue);

        var batch = await consumer.ReceiveAsync(3, CancellationToken.None).AsTask().WaitAsync(Timeout);

        batch.Count.Should().BeInRange(1, 3);
        (await Transport.GetQueueDepthAsync(queue)).Should().Be(10 - batch.Count, "a consumer takes only what it asked for");
    }

    [Fact]
    public async Task Receive_waits_for_a_message_published_later()
    {
        var queue = await DeclareNewQueueAsync();
        var consumer = await ConsumeAsync(queue);
        using var cts = new CancellationTokenSource(Timeout);

        var receiving = consumer.ReceiveAsync(5, cts.Token).AsTask();
        receiving.IsCompleted.Should().BeFalse("the queue is empty");
        var sent = await PublishOneAsync(queue);
        var batch = await receiving.WaitAsync(Timeout);

        Ids(batch).Should().Equal(ComplianceMessages.IdOf(sent));
    }

    [Fact]
    public async Task Cancelled_receive_returns_nothing_and_loses_nothing()
    {
        var queue = await DeclareNewQueueAsync();
        var consumer = await ConsumeAsync(queue);
        using var cts = new CancellationTokenSource();

        var receiving = consumer.ReceiveAsync(5, cts.Token).AsTask();
        await cts.CancelAsync();
        var batch = await receiving.WaitAsync(Timeout);

        batch.Should().BeEmpty("a cancelled receive returns nothing");
        var sent = await PublishOneAsync(queue);
        (await Transport.GetQueueDepthAsync(queue)).Should().Be(1, "the cancelled receive must not take the later message");
        var delivery = await consumer.ReceiveOneAsync(Timeout);
        ComplianceMessages.IdOf(delivery).Should().Be(ComplianceMessages.IdOf(sent));
    }

    [Fact]
    public async Task Receives_cancelled_while_messages_arrive_lose_nothing()
    {
        var queue = await DeclareNewQueueAsync();
        var consumer = await ConsumeAsync(queue);
        var sent = new List<string>();
        var received = new List<TransportDelivery>();

        for (var i = 0; i < 30; i++)
        {
            using var cts = new CancellationTokenSource();
            var receiving = consumer.ReceiveAsync(1, cts.Token).AsTask();
            var publishing = PublishOneAsync(queue);
            if (i % 2 == 0) await cts.CancelAsync();
            sent.Add(ComplianceMessages.IdOf(await publishing));
            if (i % 2 == 1) await cts.CancelAsync();
            received.AddRange(await receiving.WaitAsync(Timeout));
        }
        received.AddRange(await consumer.ReceiveExactlyAsync(sent.Count - received.Count, Timeout));

        Ids(received).Should().BeEquivalentTo(sent, "every message arrives exactly once, whether or not its receive was cancelled");
        (await Transport.GetQueueDepthAsync(queue)).Should().Be(0);
    }

    [Fact]
    public async Task Consumer_receives_only_from_its_own_queues()
    {
        var mine = await DeclareNewQueueAsync();
        var other = await DeclareNewQueueAsync();
        await PublishAsync(other, 3);
        var sent = await PublishOneAsync(mine);
        var consumer = await ConsumeAsync(mine);

        var delivery = await consumer.ReceiveOneAsync(Timeout);

        ComplianceMessages.IdOf(delivery).Should().Be(ComplianceMessages.IdOf(sent));
        (await Transport.GetQueueDepthAsync(other)).Should().Be(3);
    }

    [Fact]
    public async Task Consumer_on_several_queues_receives_from_each()
    {
        var queues = new[] { await DeclareNewQueueAsync(), await DeclareNewQueueAsync(), await DeclareNewQueueAsync() };
        var sent = new Dictionary<string, List<string>>();
        foreach (var queue in queues) sent[queue] = Ids(await PublishAsync(queue, 3));
        var consumer = await ConsumeAsync(queues);

        var received = await consumer.ReceiveExactlyAsync(9, Timeout);

        foreach (var queue in queues)
        {
            var fromQueue = received.Where(d => d.Queue == queue).ToList();
            Ids(fromQueue).Should().Equal(sent[queue], "each queue's messages arrive, in order, marked with their queue");
            fromQueue.Should().OnlyContain(d => d.Route == DeliveryInfo.ToQueue(queue));
        }
    }

    [Fact]
    public async Task Busy_queue_does_not_starve_another_queue_of_the_same_consumer()
    {
        var busy = await DeclareNewQueueAsync();
        var quiet = await DeclareNewQueueAsync();
        await PublishAsync(busy, 100);
        var waiting = await PublishOneAsync(quiet);
        var consumer = await ConsumeAsync(busy, quiet);

        var fromBusy = 0;
        while (true)
        {
            var batch = await consumer.ReceiveAsync(5, CancellationToken.None).AsTask().WaitAsync(Timeout);
            await consumer.SettleAllAsync(batch, SettleAction.Ack);
            if (batch.Any(d => d.Queue == quiet))
            {
                Ids(batch.Where(d => d.Queue == quiet)).Should().Equal(ComplianceMessages.IdOf(waiting));
                break;
            }
            fromBusy += batch.Count;
            fromBusy.Should().BeLessThan(50, "the quiet queue's message must not wait behind the busy queue's backlog");
        }
    }
}
