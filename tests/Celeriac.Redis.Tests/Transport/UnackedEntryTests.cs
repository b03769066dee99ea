using Celeriac.Compliance;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// The receive script finds each envelope's delivery tag, exchange and routing key without
/// decoding it when the envelope is spelled as kombu spells it, and decodes it otherwise. Either
/// way the <c>unacked</c> entry must be the one kombu would write (docs/protocol.md §2.4): keyed by the real
/// tag, holding <c>[envelope, exchange, routing key]</c> — also when a decoy of either name sits
/// in the headers, which a text search alone would take for the real one.
/// </summary>
public sealed class UnackedEntryTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string Body = "W1tdLCB7fSwgeyJjYWxsYmFja3MiOiBudWxsLCAiZXJyYmFja3MiOiBudWxsLCAiY2hhaW4iOiBudWxsLCAiY2hvcmQiOiBudWxsfV0=";
    private readonly string _prefix = TestTransports.NewPrefix();

    public static TheoryData<string, string, string> Spellings => new()
    {
        {
            "kombu's spacing",
            Envelope("""{"task": "t.a", "id": "id-1"}""", """{"delivery_info": {"exchange": "ex", "routing_key": "rk"}, "priority": 0, "delivery_tag": "TAG"}"""),
            "TAG"
        },
        {
            "compact",
            Envelope("""{"task":"t.a","id":"id-2"}""", """{"delivery_info":{"exchange":"ex","routing_key":"rk"},"delivery_tag":"TAG"}""").Replace(": ", ":"),
            "TAG"
        },
        {
            "delivery_info keys in the other order",
            Envelope("""{"task": "t.a", "id": "id-3"}""", """{"delivery_info": {"routing_key": "rk", "exchange": "ex"}, "delivery_tag": "TAG"}"""),
            "TAG"
        },
        {
            "an escape in the tag",
            Envelope("""{"task": "t.a", "id": "id-4"}""", """{"delivery_info": {"exchange": "ex", "routing_key": "rk"}, "delivery_tag": "TAG\u002dx"}"""),
            "TAG-x"
        },
        {
            "a decoy delivery_tag in the headers",
            Envelope("""{"task": "t.a", "id": "id-5", "meta": {"delivery_tag": "decoy"}}""", """{"delivery_info": {"exchange": "ex", "routing_key": "rk"}, "delivery_tag": "TAG"}"""),
            "TAG"
        },
        {
            "a decoy delivery_info in the headers",
            Envelope("""{"task": "t.a", "id": "id-6", "meta": {"delivery_info": {"exchange": "decoy", "routing_key": "decoy"}}}""",
                """{"delivery_info": {"exchange": "ex", "routing_key": "rk"}, "delivery_tag": "TAG"}"""),
            "TAG"
        },
    };

    [RedisServerTheory]
    [MemberData(nameof(Spellings))]
    public async Task The_entry_is_kombus_for_every_spelling(string spelling, string envelope, string tag)
    {
        // Unique per run: the fixture's server is shared.
        var run = Guid.NewGuid().ToString("N");
        envelope = envelope.Replace("TAG", "TAG" + run, StringComparison.Ordinal);
        var expectedTag = tag.Replace("TAG", "TAG" + run, StringComparison.Ordinal);
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        await using var raw = TestTransports.Client(redis.Server);
        await raw.RunAsync("LPUSH", _prefix + "q", envelope);
        var consumer = await transport.ConsumeAsync(["q"]);

        var delivery = (await consumer.ReceiveExactlyAsync(1, TimeSpan.FromSeconds(10)))[0];

        delivery.DeliveryTag.Should().Be(expectedTag, spelling);
        (await raw.RunAsync("HKEYS", _prefix + "unacked")).AsArray().Select(k => k.AsString()).Should().Equal([expectedTag], spelling);
        (await raw.RunAsync("HGET", _prefix + "unacked", expectedTag)).AsString().Should().Be($"[{envelope}, \"ex\", \"rk\"]", spelling);
        await consumer.SettleAllAsync([delivery], SettleAction.Ack);
        await consumer.DisposeAsync();
    }

    private static string Envelope(string headers, string properties) =>
        $$"""{"body": "{{Body}}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {{headers}}, "properties": {{properties}}}""";
}
