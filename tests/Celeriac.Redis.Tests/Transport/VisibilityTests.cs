using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// The visibility sweep (docs/protocol.md §2.4): what a dead consumer held comes back after the timeout, once,
/// marked redelivered; the lock keeps sweeps apart; a sweep and a consumer's own restore never
/// both push one message.
/// </summary>
public sealed class VisibilityTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _prefix = TestTransports.NewPrefix();
    private Client.RedisClient _raw = null!;

    public Task InitializeAsync()
    {
        _raw = TestTransports.Client(redis.Server);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _raw.DisposeAsync();

    [RedisFact]
    public async Task A_running_consumer_restores_what_a_hung_one_holds_after_the_timeout()
    {
        await using var hung = TestTransports.Create(redis.Server, _prefix);
        await using var alive = TestTransports.Create(redis.Server, _prefix, ("visibility_timeout", "0.5"));
        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var message = ComplianceMessages.Task(i);
            await hung.PublishAsync(message, DeliveryInfo.ToQueue("vis"));
            sent.Add(ComplianceMessages.IdOf(message));
        }
        var stuck = await hung.ConsumeAsync(["vis"]);
        var held = await stuck.ReceiveExactlyAsync(3, Timeout);
        var worker = await alive.ConsumeAsync(["vis"]);

        // Its periodic sweep (every 0.25 s here) gives the held messages back, in their order.
        // (Each is acked at once: held past 0.5 s, the worker's own would be restored too.)
        var received = new List<TransportDelivery>();
        while (received.Count < 3)
        {
            var batch = await worker.ReceiveExactlyAsync(1, Timeout, maxCount: 3);
            await worker.SettleAllAsync(batch, SettleAction.Ack);
            received.AddRange(batch);
        }

        received.Select(ComplianceMessages.IdOf).Should().Equal(sent);
        received.Should().OnlyContain(d => d.Redelivered);
        held.Should().OnlyContain(d => !d.Redelivered);
        await stuck.DisposeAsync(); // too late: its restore finds nothing of its own
        var left = await _raw.ListAsync(_prefix + "vis");
        left.Should().BeEmpty("nothing was pushed twice");
        (await _raw.RunAsync("EXISTS", _prefix + "unacked", _prefix + "unacked_index")).AsInt64().Should().Be(0);
        await worker.DisposeAsync();
    }

    [RedisFact]
    public async Task A_sweep_restores_only_timed_out_entries_up_to_the_limit_newest_pushed_first()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix, ("visibility_timeout", "60"), ("unacked_restore_limit", "2"));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        // Entries as kombu writes them, three of them long past the timeout, one fresh.
        foreach (var (tag, age) in new[] { ("old1", 300.0), ("old2", 200.0), ("old3", 100.0), ("fresh", 1.0) })
        {
            var envelope = KombuEnvelope.ToDocument(ComplianceMessages.Task(), DeliveryInfo.ToQueue("swept"), tag);
            var entry = new JsonArray(envelope, "", "swept").ToJsonString();
            await _raw.RunAsync("ZADD", _prefix + "unacked_index", (now - age).ToString("R", CultureInfo.InvariantCulture), tag);
            await _raw.RunAsync("HSET", _prefix + "unacked", tag, entry);
        }

        (await transport.Sweeper!.SweepAsync(CancellationToken.None)).Should().Be(2, "unacked_restore_limit");
        // ZREVRANGEBYSCORE LIMIT takes the newest due entries; each goes to the front, so the oldest is next.
        (await NextTagsAsync()).Should().Equal("old2", "old3");
        (await transport.Sweeper!.SweepAsync(CancellationToken.None)).Should().Be(1);
        (await transport.Sweeper!.SweepAsync(CancellationToken.None)).Should().Be(0, "the fresh one is within its timeout");

        (await NextTagsAsync()).Should().Equal("old1", "old2", "old3");
        (await _raw.RunAsync("HKEYS", _prefix + "unacked")).AsArray().Select(k => k.AsString()).Should().Equal("fresh");
        (await _raw.RunAsync("EXISTS", _prefix + "unacked_mutex")).AsInt64().Should().Be(0, "the lock is released");

        // Tags in the order a consumer pops them (from the RPUSH end).
        async Task<List<string>> NextTagsAsync() =>
            (await _raw.ListAsync(_prefix + "swept")).Select(e => JsonNode.Parse(e)!["properties"]!["delivery_tag"]!.GetValue<string>()).Reverse().ToList();
    }

    [RedisFact]
    public async Task A_sweep_is_skipped_while_another_process_holds_the_lock()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix, ("visibility_timeout", "0.1"));
        var consumer = await transport.ConsumeAsync(["locked"]);
        await transport.PublishAsync(ComplianceMessages.Task(), DeliveryInfo.ToQueue("locked"));
        await consumer.ReceiveOneAsync(Timeout);
        await _raw.RunAsync("SET", _prefix + "unacked_mutex", "python-token", "PX", 60_000);
        await Task.Delay(200);

        (await transport.Sweeper!.SweepAsync(CancellationToken.None)).Should().Be(0);
        (await _raw.RunAsync("GET", _prefix + "unacked_mutex")).AsString().Should().Be("python-token", "someone else's lock is never released by us");
        await _raw.RunAsync("DEL", _prefix + "unacked_mutex");
        (await transport.Sweeper!.SweepAsync(CancellationToken.None)).Should().BeInRange(0, 1, "the consumer's own sweeps may have been first");
        (await consumer.ReceiveOneAsync(Timeout)).Redelivered.Should().BeTrue();
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task A_restored_message_goes_to_the_list_of_its_priority_and_named_exchanges_are_routed_again()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix, ("visibility_timeout", "60"));
        await transport.BindQueueAsync("bound_q", "named_x", "rk");
        var past = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - 600).ToString("R", CultureInfo.InvariantCulture);
        var urgent = ComplianceMessages.Task();
        urgent.Properties.Priority = 7;
        foreach (var (tag, route, message) in new[]
        {
            ("p7", DeliveryInfo.ToQueue("prio_q"), urgent),
            ("named", new DeliveryInfo("named_x", "rk"), ComplianceMessages.Task()),
            ("lost", new DeliveryInfo("unbound_x", "rk"), ComplianceMessages.Task()),
        })
        {
            var entry = new JsonArray(KombuEnvelope.ToDocument(message, route, tag), route.Exchange, route.RoutingKey).ToJsonString();
            await _raw.RunAsync("ZADD", _prefix + "unacked_index", past, tag);
            await _raw.RunAsync("HSET", _prefix + "unacked", tag, entry);
        }
        await _raw.RunAsync("ZADD", _prefix + "unacked_index", past, "orphan");
        await _raw.RunAsync("ZADD", _prefix + "unacked_index", past, "unreadable");
        await _raw.RunAsync("HSET", _prefix + "unacked", "unreadable", "{oops");

        (await transport.Sweeper!.SweepAsync(CancellationToken.None)).Should().Be(2);

        (await _raw.RunAsync("LLEN", _prefix + "prio_q\u0006\u00166")).AsInt64().Should().Be(1, "kombu 5.4 keeps the priority; 5.2 would use the step-0 list");
        (await _raw.RunAsync("LLEN", _prefix + "bound_q")).AsInt64().Should().Be(1);
        (await _raw.RunAsync("EXISTS", _prefix + "unacked", _prefix + "unacked_index")).AsInt64().Should().Be(0,
            "unroutable, orphaned and unreadable entries are removed (and logged), not retried for ever");
        var restored = JsonNode.Parse((await _raw.ListAsync(_prefix + "bound_q"))[0])!;
        restored["headers"]!["redelivered"]!.GetValue<bool>().Should().BeTrue();
        restored["properties"]!["delivery_info"]!["redelivered"]!.GetValue<bool>().Should().BeTrue();
    }

    [RedisFact]
    public async Task A_sweep_racing_a_consumers_restore_pushes_each_message_once()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        await using var sweeping = TestTransports.Create(redis.Server, _prefix, ("visibility_timeout", "0.05"));
        const int count = 40;
        for (var round = 0; round < 5; round++)
        {
            var queue = $"race{round}";
            for (var i = 0; i < count; i++) await transport.PublishAsync(ComplianceMessages.Task(i), DeliveryInfo.ToQueue(queue));
            var consumer = await transport.ConsumeAsync([queue]);
            var held = await consumer.ReceiveExactlyAsync(count, Timeout);
            await Task.Delay(100);

            await Task.WhenAll(
                Task.Run(() => sweeping.Sweeper!.SweepAsync(CancellationToken.None)),
                Task.Run(async () => await consumer.SettleAllAsync(held, SettleAction.Restore)));

            (await transport.GetQueueDepthAsync(queue)).Should().Be(count, "every message is back exactly once");
            await consumer.DisposeAsync();
            await transport.PurgeAsync(queue);
        }
    }

    [RedisFact]
    public async Task A_late_restore_does_not_touch_a_message_that_was_swept_and_delivered_again()
    {
        await using var first = TestTransports.Create(redis.Server, _prefix);
        await using var second = TestTransports.Create(redis.Server, _prefix);
        // Sweeps on demand only: a consumer with this timeout would keep restoring what it holds.
        await using var sweeping = TestTransports.Create(redis.Server, _prefix, ("visibility_timeout", "0.1"));
        await first.PublishAsync(ComplianceMessages.Task(), DeliveryInfo.ToQueue("again"));
        var slow = await first.ConsumeAsync(["again"]);
        var original = await slow.ReceiveOneAsync(Timeout);
        await Task.Delay(200);
        (await sweeping.Sweeper!.SweepAsync(CancellationToken.None)).Should().Be(1);
        var fast = await second.ConsumeAsync(["again"]);
        var redelivered = await fast.ReceiveOneAsync(Timeout);
        redelivered.DeliveryTag.Should().Be(original.DeliveryTag, "kombu keeps the tag across restores");

        await slow.SettleAsync(original, SettleAction.Restore);

        (await first.GetQueueDepthAsync("again")).Should().Be(0, "the entry is the second consumer's now");
        (await _raw.RunAsync("HEXISTS", _prefix + "unacked", original.DeliveryTag)).AsInt64().Should().Be(1);
        await fast.SettleAsync(redelivered, SettleAction.Ack);
        await slow.DisposeAsync();
        await fast.DisposeAsync();
    }
}
