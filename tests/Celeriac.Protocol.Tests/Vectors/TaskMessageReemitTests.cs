using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// Decode a captured message and publish it again (what a worker does on retry or a proxy does on
/// restore): the new envelope must equal Python's, keys, kinds, values and order, with only the
/// per-publish delivery tag fresh. The body is compared decoded: kombu escapes non-ASCII and adds
/// spaces, which are not part of the value.
/// </summary>
public class TaskMessageReemitTests
{
    private static readonly string[] Accept = [ContentTypes.Json];

    private static readonly JsonComparer EnvelopeComparer =
        JsonComparer.Ordered.Ignoring("$.body", "$.properties.delivery_tag");

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessagesV2), MemberType = typeof(VectorCatalog))]
    public void V2_message_reemits_the_same_envelope(string file, int index)
    {
        var m = TaskVectorMessage.Load(file, index);
        var decoded = TaskMessageCodec.Decode(KombuEnvelope.Decode(m.Raw).Message, Accept);

        var ours = Reemit(decoded, m.Route);

        EnvelopeComparer.AssertEqual(m.Envelope, ours, m.Key + " envelope");
        JsonComparer.Ordered.AssertEqual(m.BodyDecoded, BodyOf(ours), m.Key + " body");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessages), MemberType = typeof(VectorCatalog))]
    public void Reemit_uses_a_fresh_delivery_tag(string file, int index)
    {
        var m = TaskVectorMessage.Load(file, index);
        var decoded = TaskMessageCodec.Decode(KombuEnvelope.Decode(m.Raw).Message, Accept);

        var tag = Reemit(decoded, m.Route).Obj("properties").Str("delivery_tag");

        tag.Should().NotBe(m.Properties.Str("delivery_tag"));
        Guid.TryParse(tag, out _).Should().BeTrue("kombu uses a UUID4 string");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessages), MemberType = typeof(VectorCatalog))]
    public void Reemitted_message_decodes_to_the_same_model(string file, int index)
    {
        // Decode → encode → decode → encode must be a fixed point, for v1 input too.
        var m = TaskVectorMessage.Load(file, index);
        var first = TaskMessageCodec.Encode(TaskMessageCodec.Decode(KombuEnvelope.Decode(m.Raw).Message, Accept));
        var bytes = KombuEnvelope.Encode(first, m.Route);
        var second = TaskMessageCodec.Encode(TaskMessageCodec.Decode(KombuEnvelope.Decode(bytes).Message, Accept));

        JsonComparer.Ordered.AssertEqual(first.Headers, second.Headers, m.Key + " headers");
        JsonComparer.Ordered.AssertEqual(JsonNode.Parse(first.Body.Span), JsonNode.Parse(second.Body.Span), m.Key + " body");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessagesV1), MemberType = typeof(VectorCatalog))]
    public void V1_message_reemits_as_v2_with_the_same_meaning(string file, int index)
    {
        var m = TaskVectorMessage.Load(file, index);
        var decoded = TaskMessageCodec.Decode(KombuEnvelope.Decode(m.Raw).Message, Accept);

        var ours = Reemit(decoded, m.Route);

        // Properties and content keys are the same as Python's v1 message; headers become v2.
        JsonComparer.Ordered.Ignoring("$.body", "$.headers", "$.properties.delivery_tag").AssertEqual(m.Envelope, ours, m.Key);
        var headers = ours.Obj("headers");
        foreach (var key in (string[])["task", "id", "eta", "expires", "retries", "timelimit", "group", "group_index"])
            JsonComparer.Strict.AssertEqual(m.Meta[key], headers[key], $"{m.Key} header '{key}' from the v1 body");
        headers.Str("root_id").Should().Be(m.Meta.Str("id"), "a v1 message has no parent, so it is its own root");
        headers.Str("argsrepr").Should().Be(PythonSafeRepr.FormatTuple(m.Args), "v1 bodies carry no repr, so we compute one");

        var body = BodyOf(ours).AsArray();
        JsonComparer.Strict.AssertEqual(m.Args, body[0], m.Key + " args");
        JsonComparer.Strict.AssertEqual(m.Kwargs, body[1], m.Key + " kwargs");
        JsonComparer.Ordered.AssertEqual(m.Embed, body[2], m.Key + " embed");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessagesV1), MemberType = typeof(VectorCatalog))]
    public void V1_message_reads_into_the_model_a_v2_producer_fills(string file, int index)
    {
        var m = TaskVectorMessage.Load(file, index);
        var v1 = TaskMessageCodec.Decode(KombuEnvelope.Decode(m.Raw).Message, Accept);
        var b = m.Meta;

        var v2 = TaskMessageCodec.Decode(TaskMessageCodec.Encode(new TaskMessage
        {
            Task = b.Str("task"),
            Id = b.Str("id"),
            Args = (JsonArray)m.Args.DeepClone(),
            Kwargs = (JsonObject)m.Kwargs.DeepClone(),
            Eta = b["eta"] is null ? null : DateTimeOffset.Parse(b.Str("eta"), System.Globalization.CultureInfo.InvariantCulture),
            Expires = b["expires"] is null ? null : DateTimeOffset.Parse(b.Str("expires"), System.Globalization.CultureInfo.InvariantCulture),
            Retries = b["retries"]!.GetValue<int>(),
            Group = b["group"]?.GetValue<string>(),
            GroupIndex = b["group_index"]?.GetValue<int>(),
            Properties = v1.Properties.Clone(),
        }), Accept);

        var (a, z) = (TaskMessageCodec.Encode(v1), TaskMessageCodec.Encode(v2));
        JsonComparer.Ordered.AssertEqual(z.Headers, a.Headers, m.Key + " headers");
        JsonComparer.Ordered.AssertEqual(JsonNode.Parse(z.Body.Span), JsonNode.Parse(a.Body.Span), m.Key + " body");
        v1.RootId.Should().BeNull("v1 has no root_id; the codec writes the task's own id");
    }

    private static JsonObject Reemit(TaskMessage decoded, DeliveryInfo route) =>
        JsonNode.Parse(KombuEnvelope.Encode(TaskMessageCodec.Encode(decoded), route))!.AsObject();

    private static JsonNode BodyOf(JsonObject envelope) =>
        JsonNode.Parse(Convert.FromBase64String(envelope.Str("body")))!;
}
