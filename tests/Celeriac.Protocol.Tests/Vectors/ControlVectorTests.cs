using System.Text.Json.Nodes;
using Celeriac.Protocol.Control;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// Every captured pidbox request and reply parses and is written back as Python wrote it: the
/// bodies, the headers (<c>clock</c>/<c>expires</c>, <c>ticket</c>/<c>clock</c>) and the envelopes.
/// </summary>
public class ControlVectorTests
{
    private static readonly JsonComparer EnvelopeComparer = JsonComparer.Ordered.Ignoring("$.body", "$.properties.delivery_tag");

    [Theory]
    [MemberData(nameof(VectorCatalog.Controls), MemberType = typeof(VectorCatalog))]
    public void Request_parses_and_reemits_what_python_sent(string file)
    {
        var q = Vector.Load(file).Obj("request");
        var env = KombuEnvelope.Decode(q.Utf8("raw"));

        var request = ControlRequest.Parse(env.Message.Body.Span);

        JsonComparer.Ordered.AssertEqual(q["body_decoded"], request.ToJson(), file);
        var body = q.Obj("body_decoded");
        request.Method.Should().Be(body.Str("method"));
        JsonComparer.Ordered.AssertEqual(body["arguments"], request.Arguments, file + " arguments");
        request.Destination.Should().BeNull();
        request.Ticket.Should().Be(body["ticket"]?.GetValue<string>());
        if (body["reply_to"] is JsonObject replyTo)
            request.ReplyTo.Should().Be(new DeliveryInfo(replyTo.Str("exchange"), replyTo.Str("routing_key")));
        else
            request.ReplyTo.Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.Controls), MemberType = typeof(VectorCatalog))]
    public void Request_message_reemits_the_same_envelope(string file)
    {
        var q = Vector.Load(file).Obj("request");
        var env = KombuEnvelope.Decode(q.Utf8("raw"));
        var h = env.Message.Headers;
        var request = ControlRequest.Parse(env.Message.Body.Span);

        var headers = ControlRequest.Headers(h["clock"]!.GetValue<long>(), h["expires"]!.GetValue<double>());
        var message = new BrokerMessage(headers, new MessageProperties { DeliveryMode = 2 }, CeleryJson.ToUtf8Bytes(request.ToJson()));
        var ours = JsonNode.Parse(KombuEnvelope.Encode(message, new DeliveryInfo("celery.pidbox", "")))!;

        EnvelopeComparer.AssertEqual(q["envelope"], ours, file);
        JsonComparer.Ordered.AssertEqual(q["body_decoded"], JsonNode.Parse(Convert.FromBase64String(ours.Str("body"))), file + " body");
        q.Str("redis_key").Should().Be("/0.celery.pidbox");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.Controls), MemberType = typeof(VectorCatalog))]
    public void Requests_without_reply_to_get_no_reply(string file)
    {
        var v = Vector.Load(file);
        if (v.Obj("request").Obj("body_decoded")["reply_to"] is null)
            v["reply"].Should().BeNull("the worker replies only when reply_to is present");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.ControlReplies), MemberType = typeof(VectorCatalog))]
    public void Reply_parses_and_reemits_what_python_sent(string file)
    {
        var v = Vector.Load(file);
        var q = v.Obj("request").Obj("body_decoded");
        var a = v.Obj("reply");
        var env = KombuEnvelope.Decode(a.Utf8("raw"));

        var reply = ControlReply.Parse(env.Message.Body.Span);

        JsonComparer.Ordered.AssertEqual(a["body_decoded"], reply.ToJson(), file);
        reply.Node.Should().Be("celery@testhost");
        JsonComparer.Ordered.AssertEqual(a.Obj("body_decoded")[reply.Node], reply.Value, file + " value");

        // The reply is routed back by the request's reply_to and correlated by its ticket.
        var replyTo = q.Obj("reply_to");
        env.DeliveryInfo.Should().Be(new DeliveryInfo(replyTo.Str("exchange"), replyTo.Str("routing_key")));
        a.Str("redis_key").Should().Be(replyTo.Str("routing_key") + ".reply.celery.pidbox");
        env.Message.Headers.Str("ticket").Should().Be(q.Str("ticket"));
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.ControlReplies), MemberType = typeof(VectorCatalog))]
    public void Reply_message_reemits_the_same_envelope(string file)
    {
        var a = Vector.Load(file).Obj("reply");
        var env = KombuEnvelope.Decode(a.Utf8("raw"));
        var reply = ControlReply.Parse(env.Message.Body.Span);

        var headers = ControlReply.Headers(env.Message.Headers.Str("ticket"), env.Message.Headers["clock"]!.GetValue<long>());
        JsonComparer.Ordered.AssertEqual(a.Obj("envelope")["headers"], headers, file + " headers");

        var message = new BrokerMessage(headers, new MessageProperties { DeliveryMode = 1 }, CeleryJson.ToUtf8Bytes(reply.ToJson()));
        var ours = JsonNode.Parse(KombuEnvelope.Encode(message, env.DeliveryInfo))!;
        EnvelopeComparer.AssertEqual(a["envelope"], ours, file);
        JsonComparer.Ordered.AssertEqual(a["body_decoded"], JsonNode.Parse(Convert.FromBase64String(ours.Str("body"))), file + " body");
    }

    [Fact]
    public void Cli_ping_request_has_the_same_shape_as_the_api_one()
    {
        var api = ControlRequest.Parse(Vector.Load("pidbox_ping").Obj("request").Utf8("body_json_text")).ToJson();
        var cli = ControlRequest.Parse(Vector.Load("pidbox_ping_from_cli_celery_inspect").Obj("request").Utf8("body_json_text")).ToJson();

        JsonComparer.Ordered.Ignoring("ticket", "routing_key").AssertEqual(api, cli, "ping");
    }
}
