using System.Collections.Concurrent;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <content>Concurrency: competing consumers and parallel publishers.</content>
public abstract partial class TransportComplianceTests
{
    [Fact]
    public async Task Two_consumers_on_one_queue_get_each_message_exactly_once()
    {
        const int total = 200;
        var queue = await DeclareNewQueueAsync();
        var first = await ConsumeAsync(await CreateExtraTransportAsync(), queue);
        var second = await ConsumeAsync(await CreateExtraTransportAsync(), queue);
        var received = new ConcurrentBag<string>();
        using var done = new CancellationTokenSource(Timeout);

        async Task ConsumeUntilAllArrived(ITransportConsumer consumer)
        {
            while (!done.IsCancellationRequested)
            {
                var batch = await consumer.ReceiveAsync(7, done.Token);
                foreach (var delivery in batch) received.Add(ComplianceMessages.IdOf(delivery));
                await consumer.SettleAllAsync(batch, SettleAction.Ack);
                if (received.Count >= total) await done.CancelAsync();
            }
        }

        var consuming = new[] { Task.Run(() => ConsumeUntilAllArrived(first)), Task.Run(() => ConsumeUntilAllArrived(second)) };
        var sent = Ids(await PublishAsync(queue, total));
        await Task.WhenAll(consuming).WaitAsync(Timeout * 2);

        received.Should().OnlyHaveUniqueItems();
        received.Should().BeEquivalentTo(sent, "every message arrives exactly once across both consumers");
        (await Transport.GetQueueDepthAsync(queue)).Should().Be(0);
    }

    [Fact]
    public async Task Concurrent_publishers_lose_nothing()
    {
        const int publishers = 8, each = 50;
        var queue = await DeclareNewQueueAsync();
        var sent = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                var message = ComplianceMessages.Task(p * each + i);
                await Transport.PublishAsync(message, DeliveryInfo.ToQueue(queue));
                sent.Add(ComplianceMessages.IdOf(message));
            }
        }))).WaitAsync(Timeout);

        (await Transport.GetQueueDepthAsync(queue)).Should().Be(publishers * each);
        var received = await (await ConsumeAsync(queue)).ReceiveExactlyAsync(publishers * each, Timeout);
        Ids(received).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(sent);
    }
}
