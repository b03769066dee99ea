using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Redis.Transport;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// What the transport leaves in Redis, key by key, against the Python captures (docs/protocol.md §2.1–2.4,
/// vectors <c>task_v2_04_priority_5</c>, <c>redis_unacked_entry</c>, <c>redis_bindings_and_subscriptions</c>).
/// Every test has its own key prefix, and the prefix is cut off before comparing names.
/// </summary>
public sealed class LayoutTests(RedisServerFixture redis) : TransportTestBase(redis)
{

    [RedisFact]
    public async Task A_published_task_is_the_envelope_python_pushes_to_the_priority_list()
    {
        var vector = SharedVectors.Load("task_v2_04_priority_5")["messages"]![0]!;
        var expected = vector["envelope"]!.AsObject();
        // The same message, read from Python's bytes, published again by us to the same queue.
        var message = KombuEnvelope.Decode(Encoding.UTF8.GetBytes(vector["raw"]!.GetValue<string>())).Message;

        await Transport.PublishAsync(message, DeliveryInfo.ToQueue("celery"));

        (await KeysAsync()).Should().BeEquivalentTo("celery\u0006\u00163");
        vector["redis_key"]!.GetValue<string>().Should().Be("celery\u0006\u00163");
        var pushed = await Raw.ListAsync(Prefix + "celery\u0006\u00163");
        pushed.Should().HaveCount(1);
        var actual = JsonNode.Parse(pushed[0])!.AsObject();
        var tag = actual["properties"]!["delivery_tag"]!.GetValue<string>();
        Guid.TryParse(tag, out _).Should().BeTrue("the delivery tag is a fresh UUID4");
        tag.Should().NotBe(expected["properties"]!["delivery_tag"]!.GetValue<string>());
        actual.Select(p => p.Key).Should().Equal(expected.Select(p => p.Key), "keys in kombu's order");
        actual["properties"]!.AsObject().Select(p => p.Key).Should().Equal(expected["properties"]!.AsObject().Select(p => p.Key));
        actual["properties"]!["delivery_tag"] = expected["properties"]!["delivery_tag"]!.GetValue<string>();
        JsonNode.DeepEquals(actual, expected).Should().BeTrue($"ours: {actual.ToJsonString()}\npython: {expected.ToJsonString()}");
    }

    [RedisFact]
    public async Task Priorities_fill_kombus_step_lists_and_step_zero_is_served_first()
    {
        const string queue = "prio";
        var sent = new List<(int Priority, string Id)>();
        foreach (var priority in new[] { 9, 7, 5, 3, 0, 1, 2, 4, 6, 8, 12 })
        {
            var message = ComplianceMessages.Task(priority);
            message.Properties.Priority = priority;
            await Transport.PublishAsync(message, DeliveryInfo.ToQueue(queue));
            sent.Add((priority, ComplianceMessages.IdOf(message)));
        }

        (await Raw.RunAsync("LLEN", Prefix + queue)).AsInt64().Should().Be(3);
        (await Raw.RunAsync("LLEN", Prefix + queue + "\u0006\u00163")).AsInt64().Should().Be(3);
        (await Raw.RunAsync("LLEN", Prefix + queue + "\u0006\u00166")).AsInt64().Should().Be(3);
        (await Raw.RunAsync("LLEN", Prefix + queue + "\u0006\u00169")).AsInt64().Should().Be(2, "9 and anything above");
        var consumer = await Transport.ConsumeAsync([queue]);
        var received = await consumer.ReceiveExactlyAsync(sent.Count, Timeout, maxCount: 4);

        // Each step list is FIFO; lower steps first (on Redis a lower number runs earlier, docs/protocol.md §2.2).
        var expected = sent.OrderBy(s => Math.Min(s.Priority, 9) / 3).Select(s => s.Id);
        received.Select(ComplianceMessages.IdOf).Should().Equal(expected);
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task Custom_priority_steps_and_separator_name_the_lists()
    {
        await using var transport = TestTransports.Create(Redis.Server, Prefix, ("priority_steps", "[0, 5]"), ("sep", "::"));
        var message = ComplianceMessages.Task();
        message.Properties.Priority = 7;

        await transport.PublishAsync(message, DeliveryInfo.ToQueue("q"));
        await transport.DeclareQueueAsync("q");

        (await KeysAsync()).Should().BeEquivalentTo("q::5", "_kombu.binding.q");
        (await Raw.RunAsync("SMEMBERS", Prefix + "_kombu.binding.q")).AsArray().Select(m => m.AsString()).Should().Equal("q::::q");
        var consumer = await transport.ConsumeAsync(["q"]);
        (await consumer.ReceiveOneAsync(Timeout)).Message!.Properties.Priority.Should().Be(7);
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task Declaring_a_queue_adds_the_binding_member_python_adds()
    {
        var vector = SharedVectors.Load("redis_bindings_and_subscriptions")["binding_commands"]![0]!;

        await Transport.DeclareQueueAsync("celery");
        await Transport.DeclareQueueAsync("celery");

        vector["key"]!.GetValue<string>().Should().Be("_kombu.binding.celery");
        var members = (await Raw.RunAsync("SMEMBERS", Prefix + "_kombu.binding.celery")).AsArray().Select(m => m.AsString()).ToList();
        members.Should().Equal(vector["member"]!.GetValue<string>());
        (await KeysAsync()).Should().BeEquivalentTo("_kombu.binding.celery");
    }

    [RedisFact]
    public async Task Receiving_writes_the_unacked_entry_kombu_writes_and_ack_removes_it()
    {
        var vector = SharedVectors.Load("redis_unacked_entry");
        var entry = vector["hset"]!["value_raw"]!.GetValue<string>();
        var tag = vector["hset"]!["field"]!.GetValue<string>();
        // The envelope exactly as Python pushed it: the entry is "[" + envelope + ", \"\", \"celery\"]".
        var envelope = entry[1..entry.LastIndexOf(", \"\", \"celery\"]", StringComparison.Ordinal)];
        await Raw.RunAsync("LPUSH", Prefix + "celery", envelope);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var consumer = await Transport.ConsumeAsync(["celery"]);

        var delivery = await consumer.ReceiveOneAsync(Timeout);

        delivery.DeliveryTag.Should().Be(tag);
        delivery.Route.Should().Be(new DeliveryInfo("", "celery"));
        (await Raw.RunAsync("HGET", Prefix + "unacked", tag)).AsString().Should().Be(entry, "byte for byte what kombu stores");
        var score = (await Raw.RunAsync("ZSCORE", Prefix + "unacked_index", tag)).AsString()!;
        var seconds = double.Parse(score, CultureInfo.InvariantCulture);
        seconds.Should().BeInRange(before - 1, before + 5, "the score is the Unix time of delivery in float seconds");
        (seconds % 1).Should().NotBe(0, "kombu scores with time(), a float");

        await consumer.SettleAsync(delivery, SettleAction.Ack);

        (await Raw.RunAsync("HEXISTS", Prefix + "unacked", tag)).AsInt64().Should().Be(0);
        (await Raw.RunAsync("ZSCORE", Prefix + "unacked_index", tag)).IsNull.Should().BeTrue();
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task Unacked_key_names_follow_the_options_and_ack_emulation_off_writes_none()
    {
        await using var renamed = TestTransports.Create(Redis.Server, Prefix, ("unacked_key", "u"), ("unacked_index_key", "ui"));
        await using var plain = TestTransports.Create(Redis.Server, Prefix, ("ack_emulation", "false"));
        await renamed.PublishAsync(ComplianceMessages.Task(), DeliveryInfo.ToQueue("names"));
        await renamed.PublishAsync(ComplianceMessages.Task(), DeliveryInfo.ToQueue("names"));

        var recorded = await renamed.ConsumeAsync(["names"]);
        var first = await recorded.ReceiveOneAsync(Timeout);
        (await KeysAsync()).Should().BeEquivalentTo("names", "u", "ui");
        (await Raw.RunAsync("HEXISTS", Prefix + "u", first.DeliveryTag)).AsInt64().Should().Be(1);
        var unrecorded = await plain.ConsumeAsync(["names"]);
        var second = await unrecorded.ReceiveOneAsync(Timeout);

        (await KeysAsync()).Should().BeEquivalentTo("u", "ui");
        await unrecorded.SettleAsync(second, SettleAction.Restore);
        (await KeysAsync()).Should().BeEquivalentTo("names", "u", "ui");
        await recorded.SettleAsync(first, SettleAction.Ack);
        (await KeysAsync()).Should().BeEquivalentTo("names");
        await recorded.DisposeAsync();
        await unrecorded.DisposeAsync();
    }

    [RedisFact]
    public async Task Requeue_pushes_to_the_back_and_restore_to_the_front_both_marked_redelivered()
    {
        const string queue = "moves";
        var sent = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var message = ComplianceMessages.Task(i);
            await Transport.PublishAsync(message, DeliveryInfo.ToQueue(queue));
            sent.Add(ComplianceMessages.IdOf(message));
        }
        var consumer = await Transport.ConsumeAsync([queue]);
        var first = await consumer.ReceiveOneAsync(Timeout);
        var second = await consumer.ReceiveOneAsync(Timeout);

        await consumer.SettleAsync([new Settlement(first, SettleAction.Requeue), new Settlement(second, SettleAction.Restore)]);

        // LRANGE lists from the LPUSH end (consumed last) to the RPOP end (consumed next).
        var list = (await Raw.ListAsync(Prefix + queue)).Select(e => JsonNode.Parse(e)!.AsObject()).ToList();
        list.Select(e => e["headers"]!["id"]!.GetValue<string>()).Should().Equal(sent[0], sent[3], sent[2], sent[1]);
        foreach (var moved in new[] { list[0], list[^1] })
        {
            moved["headers"]!["redelivered"]!.GetValue<bool>().Should().BeTrue();
            moved["properties"]!["delivery_info"]!["redelivered"]!.GetValue<bool>().Should().BeTrue();
            moved["properties"]!["delivery_tag"]!.GetValue<string>().Should().BeOneOf(first.DeliveryTag, second.DeliveryTag);
        }
        list[1]["headers"]!.AsObject().ContainsKey("redelivered").Should().BeFalse();
        (await Raw.RunAsync("HLEN", Prefix + "unacked")).AsInt64().Should().Be(0);
        (await Raw.RunAsync("ZCARD", Prefix + "unacked_index")).AsInt64().Should().Be(0);
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task A_batch_is_received_with_one_script_call_and_acked_with_one_ZREM_and_one_HDEL()
    {
        const string queue = "batch";
        for (var i = 0; i < 50; i++) await Transport.PublishAsync(ComplianceMessages.Task(i), DeliveryInfo.ToQueue(queue));
        var consumer = await Transport.ConsumeAsync([queue]);
        await consumer.ReceiveAsync(1, CancellationToken.None); // loads the script
        var before = await CommandStatsAsync();

        var batch = await consumer.ReceiveAsync(49, CancellationToken.None);
        await consumer.SettleAllAsync(batch, SettleAction.Ack);

        batch.Should().HaveCount(49);
        var after = await CommandStatsAsync();
        Delta("evalsha").Should().Be(1, "one atomic pop-and-record for the whole batch");
        Delta("zrem").Should().Be(1);
        Delta("hdel").Should().Be(1);
        Delta("rpop").Should().Be(2, "inside the script: RPOP of one, then RPOP key count for the rest, sized by the byte budget");
        Delta("zadd").Should().Be(1);
        Delta("hset").Should().Be(1);
        await consumer.DisposeAsync();

        long Delta(string command) => after.GetValueOrDefault(command) - before.GetValueOrDefault(command);
    }

    private async Task<Dictionary<string, long>> CommandStatsAsync()
    {
        var info = (await Raw.RunAsync("INFO", "commandstats")).AsString()!;
        // cmdstat_zrem:calls=3,usec=...
        return info.Split('\n', StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("cmdstat_", StringComparison.Ordinal))
            .ToDictionary(line => line[8..line.IndexOf(':')], line => long.Parse(line.Split(':')[1].Split(',')[0][6..], CultureInfo.InvariantCulture));
    }

    private async Task<List<string>> KeysAsync() =>
        (await Raw.RunAsync("KEYS", Prefix + "*")).AsArray().Select(k => k.AsString()![Prefix.Length..]).ToList();
}
