using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// Every captured task message (v2, and the v1 one) decodes through KombuEnvelope and
/// TaskMessageCodec into exactly the values Python put on the wire.
/// </summary>
public class TaskMessageDecodeTests
{
    private static readonly string[] Accept = [ContentTypes.Json];

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessages), MemberType = typeof(VectorCatalog))]
    public void Envelope_decodes_with_route_tag_and_body(string file, int index)
    {
        var m = TaskVectorMessage.Load(file, index);
        var env = KombuEnvelope.Decode(m.Raw);

        env.DeliveryInfo.Should().Be(m.Route);
        env.DeliveryTag.Should().Be(m.Properties.Str("delivery_tag"));
        env.Redelivered.Should().BeFalse();
        env.Message.ContentType.Should().Be(m.Envelope.Str("content-type"));
        env.Message.ContentEncoding.Should().Be(m.Envelope.Str("content-encoding"));
        JsonComparer.Strict.AssertEqual(m.Headers, env.Message.Headers, m.Key);
        JsonComparer.Strict.AssertEqual(m.BodyDecoded, JsonNode.Parse(env.Message.Body.Span), m.Key + " body");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessages), MemberType = typeof(VectorCatalog))]
    public void Task_fields_match_what_python_wrote(string file, int index)
    {
        var m = TaskVectorMessage.Load(file, index);
        var t = TaskMessageCodec.Decode(KombuEnvelope.Decode(m.Raw).Message, Accept);
        var h = m.Meta;

        t.Task.Should().Be(h.Str("task"));
        t.Id.Should().Be(h.Str("id"));
        t.Shadow.Should().Be(Text(h, "shadow"));
        AssertSameInstant(t.Eta, Text(h, "eta"));
        AssertSameInstant(t.Expires, Text(h, "expires"));
        t.Retries.Should().Be(h["retries"]!.GetValue<int>());
        t.TimeLimits.Should().Be(new TimeLimits(Number(h.Arr("timelimit")[0]), Number(h.Arr("timelimit")[1])));
        // v1 writes the group twice (group and the older taskset); they agree in every capture.
        t.Group.Should().Be(Text(h, "group") ?? Text(h, "taskset"));
        t.GroupIndex.Should().Be(h["group_index"]?.GetValue<int>());
        t.RootId.Should().Be(Text(h, "root_id"));
        t.ParentId.Should().Be(Text(h, "parent_id"));
        t.ArgsRepr.Should().Be(Text(h, "argsrepr"));
        t.KwargsRepr.Should().Be(Text(h, "kwargsrepr"));
        t.Origin.Should().Be(Text(h, "origin"));
        t.IgnoreResult.Should().Be(h["ignore_result"]?.GetValue<bool>() ?? false);
        t.Lang.Should().Be(Text(h, "lang") ?? "py");
        t.ExtraHeaders.Should().BeEmpty("Python 5.2 writes only headers the model knows");

        JsonComparer.Strict.AssertEqual(m.Args, t.Args, m.Key + " args");
        JsonComparer.Strict.AssertEqual(m.Kwargs, t.Kwargs, m.Key + " kwargs");
        JsonComparer.Ordered.AssertEqual(m.Embed, t.Embed.ToJson(), m.Key + " embed");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessages), MemberType = typeof(VectorCatalog))]
    public void Properties_match_what_python_wrote(string file, int index)
    {
        var m = TaskVectorMessage.Load(file, index);
        var p = TaskMessageCodec.Decode(KombuEnvelope.Decode(m.Raw).Message, Accept).Properties;
        var props = m.Properties;

        p.CorrelationId.Should().Be(props.Str("correlation_id"));
        p.ReplyTo.Should().Be(props.Str("reply_to"));
        p.DeliveryMode.Should().Be(props["delivery_mode"]!.GetValue<int>());
        p.Priority.Should().Be(props["priority"]!.GetValue<int>());
        p.Expiration.Should().Be(Text(props, "expiration"));

        // Worker re-publishes (retries) carry send options as extra properties; keep them as read.
        var extra = new JsonObject();
        foreach (var (key, value) in props)
            if (key is not ("correlation_id" or "reply_to" or "delivery_mode" or "expiration" or "delivery_info"
                or "priority" or "body_encoding" or "delivery_tag"))
                extra[key] = value?.DeepClone();
        if (extra.Count == 0) p.Extra.Should().BeNull();
        else JsonComparer.Ordered.AssertEqual(extra, p.Extra, m.Key + " extra properties");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessages), MemberType = typeof(VectorCatalog))]
    public void Captured_views_agree_with_the_raw_string(string file, int index)
    {
        // Guards the vectors themselves: raw, envelope, body_json_text and body_decoded describe one message.
        var m = TaskVectorMessage.Load(file, index);
        JsonComparer.Ordered.AssertEqual(m.Envelope, JsonNode.Parse(m.Raw), m.Key + " envelope vs raw");
        var body = Convert.FromBase64String(m.Envelope.Str("body"));
        System.Text.Encoding.UTF8.GetString(body).Should().Be(m.Entry.Str("body_json_text"));
        JsonComparer.Ordered.AssertEqual(m.BodyDecoded, JsonNode.Parse(body), m.Key + " body_decoded vs body");
    }

    private static string? Text(JsonObject o, string key) => o[key]?.GetValue<string>();

    private static double? Number(JsonNode? n) => n?.GetValue<double>();

    private static void AssertSameInstant(DateTimeOffset? actual, string? pythonText)
    {
        if (pythonText is null)
        {
            actual.Should().BeNull();
            return;
        }
        // Parse with the BCL, independently of PythonDateTime, so a parser bug cannot hide itself.
        var expected = DateTimeOffset.Parse(pythonText, CultureInfo.InvariantCulture);
        actual.Should().NotBeNull();
        actual!.Value.UtcTicks.Should().Be(expected.UtcTicks, $"'{pythonText}' is one instant");
        actual.Value.Offset.Should().Be(expected.Offset);
    }
}
