using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Redis.Transport;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary><c>queue_order_strategy</c> and priority steps across several queues (docs/protocol.md §2.3).</summary>
public sealed class QueueOrderTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _prefix = TestTransports.NewPrefix();

    [RedisServerTheory]
    [InlineData("round_robin", "b1 a1 c1 b2 a2 b3")]
    [InlineData("priority", "b1 b2 b3 a1 a2 c1")]
    [InlineData("sorted", "a1 a2 b1 b2 b3 c1")]
    public async Task Strategies_pop_queues_in_kombus_order(string strategy, string expected)
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix, ("queue_order_strategy", strategy));
        var names = new Dictionary<string, string>();
        foreach (var (queue, count) in new[] { ("a", 2), ("b", 3), ("c", 1) })
        {
            for (var i = 1; i <= count; i++)
            {
                var message = ComplianceMessages.Task();
                await transport.PublishAsync(message, DeliveryInfo.ToQueue(queue));
                names[ComplianceMessages.IdOf(message)] = queue + i;
            }
        }
        // Given as b, a, c: round robin starts there and rotates; priority keeps it; sorted sorts.
        var consumer = await transport.ConsumeAsync(["b", "a", "c"]);

        var batched = await consumer.ReceiveExactlyAsync(6, Timeout, maxCount: 6);

        string.Join(' ', batched.Select(d => names[ComplianceMessages.IdOf(d)])).Should().Be(expected);
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task Round_robin_rotation_carries_over_between_receives()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        foreach (var queue in new[] { "x", "y" })
            for (var i = 0; i < 3; i++) await transport.PublishAsync(ComplianceMessages.Task(), DeliveryInfo.ToQueue(queue));
        var consumer = await transport.ConsumeAsync(["x", "y"]);

        var queues = new List<string>();
        for (var i = 0; i < 6; i++) queues.Add((await consumer.ReceiveOneAsync(Timeout)).Queue);

        queues.Should().Equal("x", "y", "x", "y", "x", "y");
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task A_lower_priority_step_of_any_queue_comes_before_a_higher_one()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix, ("queue_order_strategy", "priority"));
        var low = ComplianceMessages.Task();
        low.Properties.Priority = 4;
        await transport.PublishAsync(low, DeliveryInfo.ToQueue("first"));
        var high = ComplianceMessages.Task();
        await transport.PublishAsync(high, DeliveryInfo.ToQueue("second"));
        var consumer = await transport.ConsumeAsync(["first", "second"]);

        var got = await consumer.ReceiveExactlyAsync(2, Timeout);

        got.Select(ComplianceMessages.IdOf).Should().Equal(ComplianceMessages.IdOf(high), ComplianceMessages.IdOf(low));
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task A_big_receive_split_into_pipelined_calls_keeps_list_order_and_the_limit()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        var sent = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var message = ComplianceMessages.Task(i);
            await transport.PublishAsync(message, DeliveryInfo.ToQueue("big"));
            sent.Add(ComplianceMessages.IdOf(message));
        }
        var consumer = await transport.ConsumeAsync(["big"]);

        var first = await consumer.ReceiveAsync(256, CancellationToken.None);
        var rest = await consumer.ReceiveAsync(256, CancellationToken.None);

        first.Should().HaveCount(256, "four calls of 64 sent together");
        first.Concat(rest).Select(ComplianceMessages.IdOf).Should().Equal(sent);
        // Scores rise with delivery order across the calls, so a sweep would restore them in order.
        var scores = first.Select(d => double.Parse(((RedisDeliveryState)d.State!).Score, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        scores.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        await consumer.DisposeAsync();
        (await transport.GetQueueDepthAsync("big")).Should().Be(300, "closing gave all 300 back");
        var again = await (await transport.ConsumeAsync(["big"])).ReceiveAsync(300, CancellationToken.None);
        again.Select(ComplianceMessages.IdOf).Should().Equal(sent, "restored in delivery order");
    }

    [RedisFact]
    public async Task A_message_that_arrives_while_blocked_is_taken_by_BRPOP_with_whatever_followed()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        var consumer = await transport.ConsumeAsync(["late"]);

        var receiving = consumer.ReceiveAsync(10, CancellationToken.None).AsTask();
        await Task.Delay(200);
        receiving.IsCompleted.Should().BeFalse();
        var message = ComplianceMessages.Task();
        await transport.PublishAsync(message, DeliveryInfo.ToQueue("late"));
        var got = await receiving.WaitAsync(Timeout);

        got.Select(ComplianceMessages.IdOf).Should().Equal(ComplianceMessages.IdOf(message));
        var state = (RedisDeliveryState)got[0].State!;
        // Handed over before its record answered: the record is known once Recording completes.
        state.Recording.Should().NotBeNull();
        await state.Recording!.WaitAsync(Timeout);
        System.Text.Encoding.UTF8.GetString(state.RecordedTag.Span).Should().Be(got[0].DeliveryTag, "a message taken by BRPOP is recorded like any other");
        await using var raw = TestTransports.Client(redis.Server);
        (await raw.RunAsync("HEXISTS", _prefix + "unacked", got[0].DeliveryTag)).AsInt64().Should().Be(1);
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task A_message_taken_by_BRPOP_and_acked_at_once_leaves_no_unacked_entry()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        var consumer = await transport.ConsumeAsync(["acked"]);

        var receiving = consumer.ReceiveAsync(10, CancellationToken.None).AsTask();
        await Task.Delay(100);
        await transport.PublishAsync(ComplianceMessages.Task(), DeliveryInfo.ToQueue("acked"));
        var got = await receiving.WaitAsync(Timeout);
        // Settled before the record script's reply has been read: the ack must still remove the entry it writes.
        await consumer.SettleAsync([new Settlement(got[0], SettleAction.Ack)]);

        await using var raw = TestTransports.Client(redis.Server);
        (await raw.RunAsync("HLEN", _prefix + "unacked")).AsInt64().Should().Be(0);
        (await raw.RunAsync("ZCARD", _prefix + "unacked_index")).AsInt64().Should().Be(0);
        await consumer.DisposeAsync();
    }
}
