using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// interop_handcrafted_envelopes: envelopes written by hand and fed to a Python 5.2.6 worker.
/// What Python executed must decode here; what crashed Python (no delivery_tag, no
/// delivery_info.exchange) must be refused by us with the reason, before it reaches a queue.
/// </summary>
public class InteropEnvelopeVectorTests
{
    private static readonly string[] Accept = [ContentTypes.Json];

    public static IEnumerable<object[]> Cases() =>
        Enumerable.Range(0, Vector.Load(VectorCatalog.HandcraftedEnvelopes).Arr("cases").Count).Select(i => new object[] { i });

    private static JsonObject Case(int index) => Vector.Load(VectorCatalog.HandcraftedEnvelopes).Arr("cases")[index]!.AsObject();

    private static JsonObject Case(string startsWith) =>
        Vector.Load(VectorCatalog.HandcraftedEnvelopes).Arr("cases").Select(c => c!.AsObject())
            .Single(c => c.Str("case").StartsWith(startsWith, StringComparison.Ordinal));

    /// <summary>Python consumed the message (ran it, or stored NotRegistered for an unknown name).</summary>
    private static bool PythonConsumed(JsonObject c) => c["stored_result"] is JsonObject;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cases_python_consumed_decode_and_the_rest_are_refused_with_the_reason(int index)
    {
        var c = Case(index);
        var raw = c.Utf8("raw");

        if (PythonConsumed(c))
        {
            var task = TaskMessageCodec.Decode(KombuEnvelope.Decode(raw).Message, Accept);
            task.Id.Should().Be(c.Obj("stored_result").Str("task_id"));
            return;
        }

        c.Str("outcome").Should().Contain("Unrecoverable error", "only worker-crashing cases store nothing");
        var missing = c.Str("case").Split(' ')[^1]; // "properties without delivery_tag" → delivery_tag
        FluentActions.Invoking(() => KombuEnvelope.Decode(raw))
            .Should().Throw<InvalidMessageException>().WithMessage($"*{missing}*");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void What_we_reemit_for_a_consumed_case_has_everything_python_needs(int index)
    {
        var c = Case(index);
        if (!PythonConsumed(c)) return;
        var env = KombuEnvelope.Decode(c.Utf8("raw"));
        var task = TaskMessageCodec.Decode(env.Message, Accept);

        var ours = JsonNode.Parse(KombuEnvelope.Encode(TaskMessageCodec.Encode(task), env.DeliveryInfo))!;

        var props = ours.Obj("properties");
        props.Str("delivery_tag").Should().NotBeNullOrEmpty();
        props.Obj("delivery_info").Str("exchange").Should().Be("");
        props.Obj("delivery_info").Str("routing_key").Should().Be("celery");
        props.Str("body_encoding").Should().Be("base64");
        ours.Obj("headers").Str("task").Should().Be(task.Task);
        ours.Obj("headers").Str("id").Should().Be(task.Id);
        TaskMessageCodec.Decode(KombuEnvelope.Decode(CeleriacBytes(ours)).Message, Accept).Args.ToJsonString().Should().Be(task.Args.ToJsonString());
    }

    [Fact]
    public void Minimal_envelopes_decode_with_defaults()
    {
        var minimal = TaskMessageCodec.Decode(KombuEnvelope.Decode(Case("minimal headers").Utf8("raw")).Message, Accept);
        minimal.Args.ToJsonString().Should().Be("[2,3]");
        minimal.Embed.IsEmpty.Should().BeTrue("embed {} means nothing embedded");
        minimal.RootId.Should().BeNull();
        minimal.Lang.Should().Be("py");

        var plainBody = TaskMessageCodec.Decode(KombuEnvelope.Decode(Case("no body_encoding").Utf8("raw")).Message, Accept);
        plainBody.Args.ToJsonString().Should().Be("[4,5]", "without body_encoding the body is the JSON text itself");
        plainBody.Embed.IsEmpty.Should().BeTrue("embed null means nothing embedded");
    }

    [Fact]
    public void Foreign_producer_fields_are_read_and_written_back()
    {
        // lang 'cs', an ETA ending in 'Z' (kombu 5.2 style), a timelimit and a custom header.
        var c = Case("lang 'cs'");
        var task = TaskMessageCodec.Decode(KombuEnvelope.Decode(c.Utf8("raw")).Message, Accept);

        task.Lang.Should().Be("cs");
        task.Eta.Should().Be(new DateTimeOffset(2026, 11, 21, 6, 2, 44, 537, TimeSpan.Zero));
        task.TimeLimits.Should().Be(new TimeLimits(30, 20));
        task.RootId.Should().Be("m3");
        task.ExtraHeaders.ToJsonString().Should().Be("""{"x-custom":"hello"}""");

        var headers = TaskMessageCodec.Encode(task).Headers;
        headers.Str("eta").Should().Be("2026-11-21T06:02:44.537000+00:00");
        headers.Str("lang").Should().Be("cs");
        headers.Str("x-custom").Should().Be("hello");
        headers["timelimit"]!.ToJsonString().Should().Be("[30,20]");
    }

    [Fact]
    public void Unknown_task_names_are_not_a_decoding_matter()
    {
        // The worker, not the codec, decides a name is unknown (NotRegistered, docs/protocol.md §1.12).
        var c = Case("unknown task name");
        TaskMessageCodec.Decode(KombuEnvelope.Decode(c.Utf8("raw")).Message, Accept).Task.Should().Be("tasks.nope");
        c.Obj("stored_result").Obj("result").Str("exc_type").Should().Be("NotRegistered");
    }

    private static byte[] CeleriacBytes(JsonNode envelope) => System.Text.Encoding.UTF8.GetBytes(envelope.ToJsonString());
}
