using System.Collections.Concurrent;
using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// A Redis consumer's queues change while it receives (add_consumer/cancel_consumer, docs/protocol.md §7): a
/// receive blocked in BRPOP is woken, the next one names the new key list, and nothing popped is lost.
/// </summary>
public sealed class QueueChangeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _prefix = TestTransports.NewPrefix();

    [RedisFact]
    public async Task A_receive_blocked_on_other_queues_is_woken_and_the_added_queue_is_taken_from()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        var message = ComplianceMessages.Task();
        await transport.PublishAsync(message, DeliveryInfo.ToQueue("later"));
        var consumer = await transport.ConsumeAsync(["now"]);
        var receiving = consumer.ReceiveOneAsync(Timeout);
        await Task.Delay(200); // let it block in BRPOP on "now"

        (await ((IQueueSetConsumer)consumer).AddQueueAsync("later")).Should().BeTrue();

        var delivery = await receiving;
        delivery.Queue.Should().Be("later");
        ComplianceMessages.IdOf(delivery).Should().Be(ComplianceMessages.IdOf(message));
        ((IQueueSetConsumer)consumer).Queues.Should().Equal("now", "later");
        (await ((IQueueSetConsumer)consumer).AddQueueAsync("later")).Should().BeFalse();
        await consumer.SettleAsync(delivery, SettleAction.Ack);
        await consumer.DisposeAsync();
    }

    [RedisServerTheory]
    [InlineData("round_robin")]
    [InlineData("sorted")]
    [InlineData("priority")]
    public async Task After_a_cancel_returns_no_receive_takes_from_that_queue_and_nothing_taken_is_lost(string strategy)
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix, ("queue_order_strategy", strategy));
        var consumer = await transport.ConsumeAsync(["keep", "drop"]);
        var queues = (IQueueSetConsumer)consumer;
        var published = new ConcurrentDictionary<string, string>();
        using var stop = new CancellationTokenSource();

        // Publishers to both queues and a receiver that acks, all running while the cancel happens.
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var queue = i % 2 == 0 ? "keep" : "drop";
                var m = ComplianceMessages.Task(i);
                published[ComplianceMessages.IdOf(m)] = queue;
                await transport.PublishAsync(m, DeliveryInfo.ToQueue(queue));
                if (i % 50 == 0) await Task.Delay(1);
            }
        });
        var taken = new ConcurrentDictionary<string, string>();
        var cancelled = 0; // set once the cancel returned: receives started after it must not take from "drop"
        var lateFromDrop = 0;
        var receiving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var after = Volatile.Read(ref cancelled) == 1;
                var batch = await consumer.ReceiveAsync(16, stop.Token);
                foreach (var d in batch)
                {
                    taken.TryAdd(ComplianceMessages.IdOf(d), d.Queue).Should().BeTrue("each message is taken once");
                    if (after && d.Queue == "drop") Interlocked.Increment(ref lateFromDrop);
                }
                await consumer.SettleAllAsync(batch, SettleAction.Ack);
            }
        });
        await UntilAsync(() => taken.Values.Count(q => q == "drop") > 100, "messages from both queues were taken");

        (await queues.CancelQueueAsync("drop")).Should().BeTrue();
        Volatile.Write(ref cancelled, 1);
        var takenAtCancel = taken.Count;
        await UntilAsync(() => taken.Count > takenAtCancel + 200, "the other queue is still consumed");
        await stop.CancelAsync();
        await Task.WhenAll(publishing, receiving);

        lateFromDrop.Should().Be(0, "no receive started after the cancel took from the cancelled queue");
        queues.Queues.Should().Equal("keep");
        (await queues.CancelQueueAsync("drop")).Should().BeFalse();
        await consumer.DisposeAsync();
        await using var raw = TestTransports.Client(redis.Server);
        var leftInDrop = (await raw.ListAsync(_prefix + "drop")).Count;
        var leftInKeep = (await raw.ListAsync(_prefix + "keep")).Count;
        (taken.Count + leftInDrop + leftInKeep).Should().Be(published.Count, "every message was taken once or is still in its list");
        (await raw.RunAsync("HLEN", _prefix + "unacked")).AsInt64().Should().Be(0);
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(5);
        }
    }
}
