using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Redis.Transport;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// A receive is sized by bytes as well as by count: large messages come a few at a time (at least
/// one), and what a receive leaves stays in the queue in its order.
/// </summary>
public sealed class ReceiveBudgetTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _prefix = TestTransports.NewPrefix();

    [RedisServerTheory]
    [InlineData("priority")]
    [InlineData("round_robin")]
    public async Task Large_messages_are_received_within_the_byte_budget_in_order(string order)
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix, ("queue_order_strategy", order));
        var big = MessageOfSize(RedisConsumer.MaxBytesPerReceive * 3 / 4);
        var sent = new List<BrokerMessage>();
        for (var i = 0; i < 4; i++) sent.Add(big());
        for (var i = 0; i < 3; i++) sent.Add(ComplianceMessages.Task(i));
        foreach (var message in sent) await transport.PublishAsync(message, DeliveryInfo.ToQueue("budget"));
        var consumer = await transport.ConsumeAsync(["budget"]);

        var batches = new List<int>();
        var received = new List<TransportDelivery>();
        while (received.Count < sent.Count)
        {
            using var wait = new CancellationTokenSource(Timeout);
            // Twenty: one script call (a receive of 64 or more is split into pipelined calls, each with its share of the budget).
            var batch = await consumer.ReceiveAsync(20, wait.Token);
            batch.Should().NotBeEmpty();
            batches.Add(batch.Count);
            received.AddRange(batch);
            await consumer.SettleAllAsync(batch, SettleAction.Ack);
        }

        received.Select(ComplianceMessages.IdOf).Should().Equal(sent.Select(m => ComplianceMessages.IdOf(m)), "nothing is skipped or reordered");
        // Three quarters of the budget each: the second passes it, so two per receive, then the small ones together.
        batches.Should().Equal(2, 2, 3);
        await using var raw = TestTransports.Client(redis.Server);
        (await raw.RunAsync("EXISTS", _prefix + "budget", _prefix + "unacked", _prefix + "unacked_index")).AsInt64().Should().Be(0);
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task A_message_larger_than_the_budget_is_still_received_alone()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        var huge = MessageOfSize(RedisConsumer.MaxBytesPerReceive * 2)();
        var small = ComplianceMessages.Task();
        await transport.PublishAsync(huge, DeliveryInfo.ToQueue("huge"));
        await transport.PublishAsync(small, DeliveryInfo.ToQueue("huge"));
        var consumer = await transport.ConsumeAsync(["huge"]);

        var first = await consumer.ReceiveExactlyAsync(1, Timeout, maxCount: 100);
        var second = await consumer.ReceiveExactlyAsync(1, Timeout, maxCount: 100);

        ComplianceMessages.IdOf(first[0]).Should().Be(ComplianceMessages.IdOf(huge));
        ComplianceMessages.IdOf(second[0]).Should().Be(ComplianceMessages.IdOf(small));
        await consumer.SettleAllAsync([.. first, .. second], SettleAction.Ack);
        await consumer.DisposeAsync();
    }

    // A task message whose argument makes its envelope about this many bytes (base64 adds a third).
    private static Func<BrokerMessage> MessageOfSize(int bytes) => () => TaskMessageCodec.Encode(new TaskMessage
    {
        Task = "budget.size",
        Id = Guid.NewGuid().ToString(),
        Args = new System.Text.Json.Nodes.JsonArray(new string('x', bytes * 3 / 4)),
    });
}
