using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// Garbage in a queue list becomes a malformed delivery the worker rejects (docs/protocol.md §1.1): never a
/// crash, never a loop, and never silently gone — dropped on reject, or kept in the
/// <c>deadletter_queue</c> when one is set: as it came, with the reason added to its headers when it is a JSON object.
/// </summary>
public sealed class MalformedTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _prefix = TestTransports.NewPrefix();

    private static readonly string[] Garbage =
    [
        "not json at all",
        "[1, 2, 3]",
        "42",
        "",
        """{"properties": {}}""",
        """{"body": "e30=", "properties": {"delivery_tag": 17, "delivery_info": {"exchange": "", "routing_key": "q"}}}""",
        """{"body": "e30=", "properties": {"delivery_tag": "t-no-exchange", "delivery_info": {"routing_key": "q"}}}""",
        // Recordable by kombu's rules (string tag and exchange), unreadable for us: bad base64.
        """{"body": "%%%", "properties": {"delivery_tag": "t-bad-body", "body_encoding": "base64", "delivery_info": {"exchange": "", "routing_key": "q"}}}""",
    ];

    [RedisFact]
    public async Task Garbage_becomes_malformed_deliveries_between_good_ones_and_reject_drops_it()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        await using var raw = TestTransports.Client(redis.Server);
        var good = ComplianceMessages.Task();
        await transport.PublishAsync(good, DeliveryInfo.ToQueue("q"));
        foreach (var value in Garbage) await raw.RunAsync("LPUSH", _prefix + "q", value);
        var last = ComplianceMessages.Task();
        await transport.PublishAsync(last, DeliveryInfo.ToQueue("q"));
        var consumer = await transport.ConsumeAsync(["q"]);

        var received = await consumer.ReceiveExactlyAsync(Garbage.Length + 2, Timeout, maxCount: 3);

        ComplianceMessages.IdOf(received[0]).Should().Be(ComplianceMessages.IdOf(good));
        ComplianceMessages.IdOf(received[^1]).Should().Be(ComplianceMessages.IdOf(last));
        var bad = received.Skip(1).Take(Garbage.Length).ToList();
        bad.Should().OnlyContain(d => d.Malformed != null && d.Message == null && d.Queue == "q");
        bad.Select(d => d.DeliveryTag).Should().OnlyHaveUniqueItems();
        bad[0].Malformed!.Message.Should().Contain("not JSON");
        bad[1].Malformed!.Message.Should().Contain("not a JSON object");
        bad[4].Malformed!.Message.Should().Contain("properties");
        bad[^1].DeliveryTag.Should().Be("t-bad-body", "kombu's rules record it, so its tag is real");
        bad[^1].Malformed!.Message.Should().Contain("base64");
        (await raw.RunAsync("HKEYS", _prefix + "unacked")).AsArray().Select(k => k.AsString()).Should()
            .BeEquivalentTo(received[0].DeliveryTag, received[^1].DeliveryTag, "t-bad-body");

        await consumer.SettleAllAsync(bad, SettleAction.Reject);
        await consumer.SettleAllAsync([received[0], received[^1]], SettleAction.Ack);

        (await raw.RunAsync("EXISTS", _prefix + "q", _prefix + "unacked", _prefix + "unacked_index")).AsInt64().Should().Be(0);
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        (await consumer.ReceiveAsync(10, quiet.Token)).Should().BeEmpty("rejected garbage does not come back");
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task Rejected_garbage_goes_to_the_dead_letter_queue_as_it_came_with_the_reason_where_it_has_headers()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix, ("deadletter_queue", "dead"));
        await using var raw = TestTransports.Client(redis.Server);
        foreach (var value in Garbage) await raw.RunAsync("LPUSH", _prefix + "q2", value);
        var consumer = await transport.ConsumeAsync(["q2"]);

        var bad = await consumer.ReceiveExactlyAsync(Garbage.Length, Timeout);
        await consumer.SettleAllAsync(bad, SettleAction.Reject);

        var dead = Enumerable.Reverse(await raw.ListAsync(_prefix + "dead")).ToList(); // the list's head is the newest
        dead.Should().HaveCount(Garbage.Length);
        for (var i = 0; i < Garbage.Length; i++)
        {
            if (TryObject(Garbage[i]) is not { } original)
            {
                dead[i].Should().Be(Garbage[i], "what is not a JSON object goes byte for byte");
                continue;
            }
            var kept = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(dead[i])!;
            var headers = (System.Text.Json.Nodes.JsonObject)kept["headers"]!;
            headers["x-celeriac-dead-letter-reason"]!.GetValue<string>().Should().Be(bad[i].Malformed!.Message);
            headers["x-celeriac-dead-letter-queue"]!.GetValue<string>().Should().Be("q2");
            kept.Remove("headers");
            System.Text.Json.Nodes.JsonNode.DeepEquals(kept, original).Should().BeTrue("the rest of the envelope is kept as it came");
        }
        (await raw.RunAsync("EXISTS", _prefix + "q2", _prefix + "unacked", _prefix + "unacked_index")).AsInt64().Should().Be(0);
        await consumer.DisposeAsync();
    }

    private static System.Text.Json.Nodes.JsonObject? TryObject(string text)
    {
        try { return System.Text.Json.Nodes.JsonNode.Parse(text) as System.Text.Json.Nodes.JsonObject; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    [RedisFact]
    public async Task Unsettled_garbage_goes_back_to_its_queue_when_the_consumer_closes()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        await using var raw = TestTransports.Client(redis.Server);
        await raw.RunAsync("LPUSH", _prefix + "q3", "garbage one", "garbage two");
        var consumer = await transport.ConsumeAsync(["q3"]);
        (await consumer.ReceiveExactlyAsync(2, Timeout)).Should().OnlyContain(d => d.Malformed != null);

        await consumer.DisposeAsync();

        (await raw.ListAsync(_prefix + "q3")).Should().Equal("garbage two", "garbage one");
    }

    [RedisFact]
    public async Task An_envelope_with_an_empty_tag_is_rejected_also_when_a_blocking_pop_takes_it()
    {
        // The script records no empty tag, so nothing could restore the message: it must not run.
        // A BRPOP'd message is normally handed over before its record answers; this one must not be.
        const string untagged = """{"body": "W1tdLCB7fSwge31d", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"task": "t.a", "id": "x"}, "properties": {"delivery_info": {"exchange": "", "routing_key": "q5"}, "body_encoding": "base64", "delivery_tag": ""}}""";
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        await using var raw = TestTransports.Client(redis.Server);
        var consumer = await transport.ConsumeAsync(["q5"]);
        var receiving = consumer.ReceiveAsync(8, CancellationToken.None).AsTask();
        await Eventually.SucceedsAsync(async () =>
        {
            var clients = (await raw.RunAsync("CLIENT", "LIST")).AsString()!;
            clients.Should().Contain("cmd=brpop");
            return true;
        }, Timeout);

        await raw.RunAsync("LPUSH", _prefix + "q5", untagged);
        var delivery = (await receiving.WaitAsync(Timeout)).Should().ContainSingle().Subject;

        delivery.Malformed.Should().NotBeNull();
        delivery.Malformed!.Message.Should().Contain("delivery_tag");
        (await raw.RunAsync("HLEN", _prefix + "unacked")).AsInt64().Should().Be(0);
        await consumer.SettleAllAsync([delivery], SettleAction.Reject);
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task A_worker_style_loop_over_a_list_of_only_garbage_ends()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        await using var raw = TestTransports.Client(redis.Server);
        for (var i = 0; i < 500; i++) await raw.RunAsync("LPUSH", _prefix + "q4", i % 2 == 0 ? "{" : "[]");
        var consumer = await transport.ConsumeAsync(["q4"]);
        var seen = 0;

        while (seen < 500)
        {
            var batch = await consumer.ReceiveAsync(64, CancellationToken.None).AsTask().WaitAsync(Timeout);
            batch.Should().OnlyContain(d => d.Malformed != null);
            await consumer.SettleAllAsync(batch, SettleAction.Reject);
            seen += batch.Count;
        }

        seen.Should().Be(500);
        (await transport.GetQueueDepthAsync("q4")).Should().Be(0);
        await consumer.DisposeAsync();
    }
}
