using System.Text;
using Celeriac.Compliance;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// Delivery tags are bytes to Redis: one that is not valid UTF-8 (written by a buggy or hostile
/// producer) must be settled and swept by its exact bytes, so its <c>unacked</c> entry goes away
/// once — never stays forever, logged again on every sweep.
/// </summary>
public sealed class BinaryTagTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _prefix = TestTransports.NewPrefix();

    [RedisFact]
    public async Task A_rejected_message_whose_tag_is_not_utf8_leaves_unacked()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        await using var raw = TestTransports.Client(redis.Server);
        await raw.RunAsync("LPUSH", _prefix + "q", Envelope(BadTag("r")));
        var good = ComplianceMessages.Task();
        await transport.PublishAsync(good, Celeriac.Protocol.Messages.DeliveryInfo.ToQueue("q"));
        var consumer = await transport.ConsumeAsync(["q"]);

        var received = await consumer.ReceiveExactlyAsync(2, Timeout);
        (await raw.RunAsync("HLEN", _prefix + "unacked")).AsInt64().Should().Be(2, "the script records both, the bad tag as its raw bytes");
        received[0].Malformed.Should().NotBeNull("its tag cannot be read as text");
        await consumer.SettleAllAsync([received[0]], SettleAction.Reject);
        await consumer.SettleAllAsync([received[1]], SettleAction.Ack);

        (await raw.RunAsync("EXISTS", _prefix + "q", _prefix + "unacked", _prefix + "unacked_index")).AsInt64()
            .Should().Be(0, "the reject removes the entry by the tag's exact bytes");
        await consumer.DisposeAsync();
    }

    [RedisFact]
    public async Task A_sweep_settles_entries_with_non_utf8_tags_once_and_logs_an_unreadable_one_once()
    {
        var logs = new ListLoggerFactory();
        await using var transport = TestTransports.Create(redis.Server, new Dictionary<string, string>
        {
            ["global_keyprefix"] = _prefix,
            ["visibility_timeout"] = "1",
        }, loggers: logs);
        await using var raw = TestTransports.Client(redis.Server);
        var unreadable = BadTag("s");
        var readable = BadTag("t");
        var invalidInside = BadTag("u");
        var old = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600;
        await raw.RunAsync("HSET", _prefix + "unacked", unreadable, "not an entry \xff"u8.ToArray());
        // Keyed by a tag that is not UTF-8, holding an envelope that is: restored to its queue.
        await raw.RunAsync("HSET", _prefix + "unacked", readable, Entry(Envelope(Encoding.ASCII.GetBytes("text-tag"))));
        // Its envelope holds the bad bytes too: it goes back as it is (the consumer that pops it
        // hands it on as malformed, and its reject removes it by those bytes).
        await raw.RunAsync("HSET", _prefix + "unacked", invalidInside, Entry(Envelope(invalidInside)));
        await raw.RunAsync("ZADD", _prefix + "unacked_index", old, unreadable, old, readable, old, invalidInside);

        var first = await transport.Sweeper!.SweepAsync(CancellationToken.None);
        var second = await transport.Sweeper!.SweepAsync(CancellationToken.None);

        (await raw.RunAsync("EXISTS", _prefix + "unacked", _prefix + "unacked_index")).AsInt64().Should().Be(0, "every entry leaves unacked on the first sweep");
        first.Should().Be(2, "the two entries that hold an envelope go back to their queue");
        second.Should().Be(0);
        (await raw.RunAsync("LLEN", _prefix + "swept")).AsInt64().Should().Be(2);
        logs.Lines.Count(l => l.Message.Contains("cannot be read", StringComparison.Ordinal)).Should().Be(1, "one line for the unreadable entry, on the first sweep only:\n" + string.Join("\n", logs.Lines));
        logs.Lines.Should().NotContain(l => l.Message.Contains("Visibility sweep failed", StringComparison.Ordinal));
    }

    // [envelope, exchange, routing key], as kombu writes the entry.
    private static byte[] Entry(byte[] envelope) => [.. "["u8, .. envelope, .. ", \"\", \"swept\"]"u8];

    // A tag with bytes that are not UTF-8 (0xFF never is), the rest ASCII.
    private static byte[] BadTag(string name) => [.. Encoding.ASCII.GetBytes("tag-" + name + "-"), 0xFF, 0xFE, .. Encoding.ASCII.GetBytes(Guid.NewGuid().ToString("N"))];

    // kombu's spelling, so the script's fast path records it; the tag goes in as raw bytes. It is
    // Latin-1 round-tripped: each byte one char, so the bytes come back out unchanged.
    private static byte[] Envelope(byte[] tag) => Encoding.Latin1.GetBytes(
        "{\"body\": \"W1tdLCB7fSwge31d\", \"content-encoding\": \"utf-8\", \"content-type\": \"application/json\", " +
        "\"headers\": {\"lang\": \"py\", \"task\": \"t.a\", \"id\": \"" + Guid.NewGuid() + "\"}, " +
        "\"properties\": {\"correlation_id\": \"c\", \"body_encoding\": \"base64\", " +
        "\"delivery_info\": {\"exchange\": \"\", \"routing_key\": \"swept\"}, \"priority\": 0, \"delivery_tag\": \"" +
        Encoding.Latin1.GetString(tag) + "\"}}");
}
