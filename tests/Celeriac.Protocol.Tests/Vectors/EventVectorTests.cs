using System.Text.Json.Nodes;
using Celeriac.Protocol.Events;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// Every captured event message (single object or <c>task.multi</c> batch) parses, and each event
/// written back is Python's object: same keys and order, same kinds (<c>freq</c> 2.0 vs 5), same values.
/// </summary>
public class EventVectorTests
{
    [Theory]
    [MemberData(nameof(VectorCatalog.Events), MemberType = typeof(VectorCatalog))]
    public void Events_parse_and_reemit_what_python_sent(string file)
    {
        var e = Vector.Load(file).Obj("event");
        var env = KombuEnvelope.Decode(e.Utf8("raw"));

        var events = CeleryEvent.ParseBody(env.Message.Body.Span);

        var captured = e["body_decoded"] is JsonArray batch ? batch.Select(x => x!.AsObject()).ToList() : [e.Obj("body_decoded")];
        events.Should().HaveCount(captured.Count);
        for (var i = 0; i < captured.Count; i++)
            JsonComparer.Ordered.AssertEqual(captured[i], events[i].ToJson(), $"{file} event {i}");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.Events), MemberType = typeof(VectorCatalog))]
    public void Event_built_like_a_csharp_worker_equals_what_python_sent(string file)
    {
        var e = Vector.Load(file).Obj("event");
        var captured = e["body_decoded"] is JsonArray batch ? batch.Select(x => x!.AsObject()).ToList() : [e.Obj("body_decoded")];

        foreach (var obj in captured)
        {
            var fields = new JsonObject();
            foreach (var (key, value) in obj)
                if (key is not ("type" or "hostname" or "timestamp" or "utcoffset" or "pid" or "clock")) fields[key] = value?.DeepClone();
            var ours = new CeleryEvent(obj.Str("type"), obj.Str("hostname"), obj["timestamp"]!.GetValue<double>(),
                obj["utcoffset"]!.GetValue<int>(), obj["pid"]!.GetValue<int>(), obj["clock"]!.GetValue<long>(), fields);

            JsonComparer.Ordered.AssertEqual(obj, ours.ToJson(), file);
        }
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.Events), MemberType = typeof(VectorCatalog))]
    public void Common_fields_are_typed_and_the_rest_kept_as_fields(string file)
    {
        var e = Vector.Load(file).Obj("event");
        var captured = e["body_decoded"] is JsonArray batch ? batch.Select(x => x!.AsObject()).ToList() : [e.Obj("body_decoded")];

        foreach (var (ev, obj) in CeleryEvent.ParseBody(e.Utf8("body_json_text")).Zip(captured))
        {
            ev.Type.Should().Be(obj.Str("type"));
            ev.Hostname.Should().Be(obj.Str("hostname"));
            ev.Timestamp.Should().Be(obj["timestamp"]!.GetValue<double>());
            ev.UtcOffset.Should().Be(obj["utcoffset"]!.GetValue<int>());
            ev.Pid.Should().Be(obj["pid"]!.GetValue<int>());
            ev.Clock.Should().Be(obj["clock"]!.GetValue<long>());
            ev.Fields.Select(f => f.Key).Should().Equal(
                obj.Select(p => p.Key).Where(k => k is not ("type" or "hostname" or "timestamp" or "utcoffset" or "pid" or "clock")));
        }
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.Events), MemberType = typeof(VectorCatalog))]
    public void Routing_key_and_headers_follow_the_event_type(string file)
    {
        var e = Vector.Load(file).Obj("event");
        var env = KombuEnvelope.Decode(e.Utf8("raw"));
        var events = CeleryEvent.ParseBody(env.Message.Body.Span);

        env.DeliveryInfo.Exchange.Should().Be("celeryev");
        e.Str("redis_key").Should().Be("/0.celeryev/" + env.DeliveryInfo.RoutingKey, "Redis fanout channels carry the db number");
        env.Message.Headers.Str("hostname").Should().Be(events[0].Hostname);
        env.Message.Properties.DeliveryMode.Should().Be(1, "events are transient");
        if (e["body_decoded"] is JsonArray)
        {
            // Worker batches: one group per batch, routing key '<group>.multi'.
            events.Select(x => x.Group).Distinct().Should().ContainSingle().Which.Should().Be("task");
            env.DeliveryInfo.RoutingKey.Should().Be(events[0].Group + ".multi");
        }
        else
        {
            env.DeliveryInfo.RoutingKey.Should().Be(events[0].RoutingKey);
        }
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.Events), MemberType = typeof(VectorCatalog))]
    public void Event_message_reemits_the_same_envelope(string file)
    {
        var e = Vector.Load(file).Obj("event");
        var env = KombuEnvelope.Decode(e.Utf8("raw"));
        var events = CeleryEvent.ParseBody(env.Message.Body.Span);
        JsonNode body = e["body_decoded"] is JsonArray ? new JsonArray(events.Select(x => (JsonNode?)x.ToJson()).ToArray()) : events[0].ToJson();

        var message = new BrokerMessage(
            new JsonObject { ["hostname"] = events[0].Hostname },
            new MessageProperties { DeliveryMode = 1 },
            CeleryJson.ToUtf8Bytes(body));
        var ours = JsonNode.Parse(KombuEnvelope.Encode(message, env.DeliveryInfo))!;

        JsonComparer.Ordered.Ignoring("$.body", "$.properties.delivery_tag").AssertEqual(e["envelope"], ours, file);
        JsonComparer.Ordered.AssertEqual(e["body_decoded"], JsonNode.Parse(Convert.FromBase64String(ours.Str("body"))), file + " body");
    }

    [Fact]
    public void Task_succeeded_result_is_the_saferepr_of_the_stored_result()
    {
        var ev = CeleryEvent.ParseBody(Vector.Load("event_task_succeeded").Obj("event").Utf8("body_json_text"))[0];
        var meta = Results.ResultMeta.Parse(Vector.Load("result_success").Obj("result").Utf8("raw"));

        ev.Fields.Str("uuid").Should().Be(meta.TaskId);
        ev.Fields.Str("result").Should().Be(PythonSafeRepr.Format(meta.Result));
    }

    [Fact]
    public void Task_received_args_are_the_message_argsrepr()
    {
        // Monitors show args/kwargs from task-received: the argsrepr/kwargsrepr headers verbatim.
        var ev = CeleryEvent.ParseBody(Vector.Load("event_task_received").Obj("event").Utf8("body_json_text"))[0];
        var sent = CeleryEvent.ParseBody(Vector.Load("event_task_sent").Obj("event").Utf8("body_json_text"))[0];

        ev.Fields.Str("uuid").Should().Be(sent.Fields.Str("uuid"));
        ev.Fields.Str("args").Should().Be(sent.Fields.Str("args")).And.Be("(2, 3)");
        ev.Fields.Str("kwargs").Should().Be("{}");
    }
}
