using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// "What our code emits for the same input equals what Python wrote": build each message the way a
/// C# producer would (typed values, no copied JSON headers) and compare the headers and body with
/// Python's. Ids, times and origin are inputs here, so they are given the captured values.
/// </summary>
public class TaskMessageProducerTests
{
    /// <summary>
    /// Reprs Python derives from values the JSON no longer distinguishes; the header is supplied
    /// instead of computed for these. Key: file#index.
    /// </summary>
    private static readonly Dictionary<string, string> KwargsReprFromPython = new()
    {
        ["task_v2_chord_unlock_fallback#0"] =
            "the result tuples were Python tuples, printed '((...), None)'; JSON turned them into lists, so we print '[[...], None]'.",
    };

    private static readonly Dictionary<string, string> ArgsReprNotDerivable = new()
    {
        ["task_v2_chord_unlock_fallback#0"] =
            "the body signature's args were a Python tuple '()' that JSON wrote as a list '[]'.",
    };

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessagesV2), MemberType = typeof(VectorCatalog))]
    public void Producer_built_message_has_python_headers_and_body(string file, int index)
    {
        var m = TaskVectorMessage.Load(file, index);

        var ours = TaskMessageCodec.Encode(BuildLikeAProducer(m));

        JsonComparer.Ordered.AssertEqual(m.Headers, ours.Headers, m.Key + " headers");
        JsonComparer.Ordered.AssertEqual(m.BodyDecoded, JsonNode.Parse(ours.Body.Span), m.Key + " body");
        ours.ContentType.Should().Be(m.Envelope.Str("content-type"));
        ours.ContentEncoding.Should().Be(m.Envelope.Str("content-encoding"));
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessagesV2), MemberType = typeof(VectorCatalog))]
    public void Producer_built_message_has_python_envelope(string file, int index)
    {
        var m = TaskVectorMessage.Load(file, index);

        var ours = JsonNode.Parse(KombuEnvelope.Encode(TaskMessageCodec.Encode(BuildLikeAProducer(m)), m.Route))!;

        // A producer does not write the options a Python worker adds when it re-publishes a retry.
        JsonComparer.Ordered
            .Ignoring("$.body", "$.properties.delivery_tag", "$.properties.replaced_task_nesting", "$.properties.origin")
            .AssertEqual(m.Envelope, ours, m.Key);
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.TaskMessagesV2), MemberType = typeof(VectorCatalog))]
    public void Argsrepr_is_celery_saferepr_of_the_args(string file, int index)
    {
        // Python writes a tuple repr for apply_async((1, 2)) and a list repr for send_task(args=[2, 3]);
        // the JSON is the same, so the form is taken from the capture and the content is checked.
        var m = TaskVectorMessage.Load(file, index);
        if (ArgsReprNotDerivable.ContainsKey(m.Key)) return;
        var expected = m.Headers.Str("argsrepr");

        var ours = expected.StartsWith('(') ? PythonSafeRepr.FormatTuple(m.Args) : PythonSafeRepr.Format(m.Args);

        ours.Should().Be(expected);
    }

    [Fact]
    public void Known_repr_gaps_name_existing_messages()
    {
        var keys = VectorCatalog.TaskMessagesV2().Select(r => $"{r[0]}#{r[1]}").ToHashSet();
        keys.Should().Contain(KwargsReprFromPython.Keys).And.Contain(ArgsReprNotDerivable.Keys);
    }

    private static TaskMessage BuildLikeAProducer(TaskVectorMessage m)
    {
        var h = m.Headers;
        var props = m.Properties;
        var embed = m.Embed;
        var id = h.Str("id");
        var rootId = Text(h, "root_id");
        return new TaskMessage
        {
            Task = h.Str("task"),
            Id = id,
            Shadow = Text(h, "shadow"),
            Args = (JsonArray)m.Args.DeepClone(),
            Kwargs = (JsonObject)m.Kwargs.DeepClone(),
            Eta = Time(Text(h, "eta")),
            Expires = Time(Text(h, "expires")),
            Group = Text(h, "group"),
            GroupIndex = h["group_index"]?.GetValue<int>(),
            Retries = h["retries"]!.GetValue<int>(),
            TimeLimits = new TimeLimits(h.Arr("timelimit")[0]?.GetValue<double>(), h.Arr("timelimit")[1]?.GetValue<double>()),
            RootId = rootId == id ? null : rootId, // left to the codec's default: its own id
            ParentId = Text(h, "parent_id"),
            Origin = Text(h, "origin"),
            IgnoreResult = h["ignore_result"]!.GetValue<bool>(),
            ArgsRepr = h.Str("argsrepr"),
            KwargsRepr = KwargsReprFromPython.ContainsKey(m.Key) ? h.Str("kwargsrepr") : null,
            Embed = new TaskEmbed
            {
                Callbacks = embed["callbacks"]?.DeepClone().AsArray(),
                Errbacks = embed["errbacks"]?.DeepClone().AsArray(),
                Chain = embed["chain"]?.DeepClone().AsArray(),
                Chord = embed["chord"]?.DeepClone().AsObject(),
            },
            Properties = new MessageProperties
            {
                ReplyTo = props.Str("reply_to"),
                Priority = props["priority"]!.GetValue<int>(),
                Expiration = Text(props, "expiration"),
            },
        };
    }

    private static string? Text(JsonObject o, string key) => o[key]?.GetValue<string>();

    private static DateTimeOffset? Time(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
