using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>The Redis envelope: what we refuse (what would crash or confuse a Python worker) and what we write.</summary>
public class KombuEnvelopeTests
{
    private const string Body = "W1sxLCAxXSwge30sIHt9XQ=="; // [[1, 1], {}, {}]

    private static string Base64Envelope(string properties, string headers = "{}") =>
        "{\"body\": \"" + Body + "\", \"headers\": " + headers + ", \"properties\": " + properties + "}";

    private static KombuEnvelope Decode(string json) => KombuEnvelope.Decode(Encoding.UTF8.GetBytes(json));

    private static void Refused(string json, string reasonPattern) =>
        FluentActions.Invoking(() => Decode(json)).Should().Throw<InvalidMessageException>().WithMessage(reasonPattern);

    [Theory]
    [InlineData("not json", "envelope is not JSON*")]
    [InlineData("[1]", "envelope is not a JSON object")]
    [InlineData("""{"body": "e30="}""", "envelope has no 'properties' object")]
    [InlineData("""{"body": "e30=", "properties": {"delivery_info": {"exchange": "", "routing_key": "q"}}}""", "envelope has no properties.delivery_tag")]
    [InlineData("""{"body": "e30=", "properties": {"delivery_tag": "t"}}""", "envelope has no properties.delivery_info")]
    [InlineData("""{"body": "e30=", "properties": {"delivery_tag": "t", "delivery_info": {"routing_key": "q"}}}""", "delivery_info has no 'exchange'")]
    [InlineData("""{"properties": {"delivery_tag": "t", "delivery_info": {"exchange": ""}}}""", "envelope has no 'body' string")]
    [InlineData("""{"body": "%%%", "properties": {"delivery_tag": "t", "body_encoding": "base64", "delivery_info": {"exchange": ""}}}""", "envelope body is not valid base64")]
    [InlineData("""{"body": "x", "properties": {"delivery_tag": "t", "body_encoding": "gzip", "delivery_info": {"exchange": ""}}}""", "unsupported body_encoding 'gzip'")]
    [InlineData("""{"body": "x", "headers": [], "properties": {"delivery_tag": "t", "delivery_info": {"exchange": ""}}}""", "envelope 'headers' is not an object")]
    [InlineData("""{"body": "x", "properties": {"delivery_tag": 5, "delivery_info": {"exchange": ""}}}""", "envelope field has the wrong type*delivery_tag*")]
    public void Envelopes_a_python_worker_cannot_handle_are_refused(string json, string reason) => Refused(json, reason);

    [Fact]
    public void Missing_parts_default_as_kombu_does()
    {
        var env = Decode("""{"body": "[[], {}, {}]", "properties": {"delivery_tag": "t", "delivery_info": {"exchange": "ex"}}}""");

        env.DeliveryInfo.Should().Be(new DeliveryInfo("ex", ""));
        Encoding.UTF8.GetString(env.Message.Body.Span).Should().Be("[[], {}, {}]", "no body_encoding means the body is the text");
        env.Message.Headers.Should().BeEmpty();
        env.Message.ContentType.Should().Be("application/json");
        env.Message.ContentEncoding.Should().Be("utf-8");
        env.Message.Properties.DeliveryMode.Should().Be(2);
        env.Message.Properties.Priority.Should().BeNull();
        env.Redelivered.Should().BeFalse();
    }

    [Theory]
    [InlineData("\"high\"", 0)]
    [InlineData("300", 255)]
    [InlineData("-1", 0)]
    [InlineData("9", 9)]
    public void Priority_that_is_not_a_sane_integer_is_clamped(string priority, int expected) =>
        Decode(Base64Envelope("{\"priority\": " + priority + """, "delivery_tag": "t", "body_encoding": "base64", "delivery_info": {"exchange": ""}}"""))
            .Message.Properties.Priority.Should().Be(expected);

    [Fact]
    public void Restored_messages_are_flagged_redelivered()
    {
        var env = Decode(Base64Envelope("""{"delivery_tag": "t", "body_encoding": "base64", "delivery_info": {"exchange": "", "routing_key": "celery"}}""", """{"redelivered": true}"""));
        env.Redelivered.Should().BeTrue();
        env.Document["headers"]!["redelivered"]!.GetValue<bool>().Should().BeTrue("the document is kept as read for a restore");
    }

    [Fact]
    public void Encode_writes_kombus_key_order_and_a_fresh_tag_each_time()
    {
        var message = new BrokerMessage(new JsonObject { ["task"] = "t", ["id"] = "i" },
            new MessageProperties { CorrelationId = "i", ReplyTo = "oid", Expiration = "1000", Priority = 3, Extra = new JsonObject { ["origin"] = "o" } },
            "[[], {}, {}]"u8.ToArray());

        var first = JsonNode.Parse(KombuEnvelope.Encode(message, DeliveryInfo.ToQueue("celery")))!;
        var second = JsonNode.Parse(KombuEnvelope.Encode(message, DeliveryInfo.ToQueue("celery")))!;

        first.AsObject().Select(p => p.Key).Should().Equal("body", "content-encoding", "content-type", "headers", "properties");
        first.Obj("properties").Select(p => p.Key).Should().Equal(
            "correlation_id", "reply_to", "origin", "delivery_mode", "expiration", "delivery_info", "priority", "body_encoding", "delivery_tag");
        first.Obj("properties").Obj("delivery_info").ToJsonString().Should().Be("""{"exchange":"","routing_key":"celery"}""");
        first.Obj("properties").Str("delivery_tag").Should().NotBe(second.Obj("properties").Str("delivery_tag"));
        KombuEnvelope.ToDocument(message, DeliveryInfo.ToQueue("q"), "fixed").Obj("properties").Str("delivery_tag").Should().Be("fixed");
    }

    [Fact]
    public void What_we_encode_we_decode()
    {
        var message = new BrokerMessage(new JsonObject { ["task"] = "t", ["id"] = "i" }, new MessageProperties { Priority = 5 }, "[[\"ü\"], {}, {}]"u8.ToArray());

        var env = KombuEnvelope.Decode(KombuEnvelope.Encode(message, new DeliveryInfo("tex", "a.b.c"), "tag-1"));

        env.DeliveryInfo.Should().Be(new DeliveryInfo("tex", "a.b.c"));
        env.DeliveryTag.Should().Be("tag-1");
        env.Message.Body.ToArray().Should().Equal(message.Body.ToArray());
        env.Message.Properties.Priority.Should().Be(5);
    }

    [Fact]
    public void Escaped_text_reads_as_its_unescaped_value()
    {
        // JSON may escape '/' (and anything else); the body and names must read the same either way.
        var body = Convert.ToBase64String("[[\"\u00fc?>\"], {}, {}]"u8.ToArray()); // its base64 has a '/'
        var escaped = body.Replace("/", "\\/").Replace("+", "\\u002b");
        var env = Decode("{\"body\": \"" + escaped + "\", \"he\\u0061ders\": {\"redelivered\": true}, " +
            "\"properties\": {\"delivery_tag\": \"t\", \"body_encoding\": \"base64\", \"delivery_info\": {\"exchange\": \"\"}}}");

        env.Message.Body.ToArray().Should().Equal(Convert.FromBase64String(body));
        env.Redelivered.Should().BeTrue();
    }

    [Fact]
    public void Headers_changed_after_decoding_are_what_the_task_decoder_sees()
    {
        var env = Decode(Base64Envelope("""{"delivery_tag": "t", "body_encoding": "base64", "delivery_info": {"exchange": ""}}""",
            """{"task": "a", "id": "1"}"""));

        env.Message.Headers["task"] = "b";

        TaskMessageCodec.Decode(env.Message, [ContentTypes.Json]).Task.Should().Be("b");
    }

    public static TheoryData<int> BodyLengths => new() { 0, 1, 2, 3, 4, 1000, 100_001 };

    [Theory]
    [MemberData(nameof(BodyLengths))]
    public void An_encoded_envelope_is_its_document_byte_for_byte(int bodyLength)
    {
        var body = Enumerable.Range(0, bodyLength).Select(i => (byte)(i * 7)).ToArray();
        var headers = new JsonObject { ["task"] = "tâche.ü", ["id"] = "i", ["argsrepr"] = "('\u2603', \"<>&+/\")", ["nested"] = new JsonObject { ["k"] = new JsonArray(1, 2.5, null) } };
        var properties = new MessageProperties { CorrelationId = "c", ReplyTo = "r", Priority = 3 };
        var message = new BrokerMessage(headers, properties, body, "application/json", "utf-8");
        var route = new DeliveryInfo("ex", "key");

        var encoded = KombuEnvelope.Encode(message, route, "tag-1");

        Encoding.UTF8.GetString(encoded).Should().Be(Encoding.UTF8.GetString(Json.CeleryJson.ToUtf8Bytes(KombuEnvelope.ToDocument(message, route, "tag-1"))));
        KombuEnvelope.Decode(encoded).Message.Body.ToArray().Should().Equal(body);
    }
}
