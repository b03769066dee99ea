using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>Codec behaviour beyond the captures: defaults, compression, hybrid and odd-but-valid bodies.</summary>
public class TaskMessageCodecTests
{
    private static readonly string[] Accept = [ContentTypes.Json];

    private static TaskMessage Decode(string body, JsonObject? headers = null) =>
        TaskMessageCodec.Decode(TaskMessageCodecErrorTests.Message(body, headers), Accept);

    [Fact]
    public void A_minimal_message_is_encoded_with_every_v2_header_python_writes()
    {
        var message = TaskMessageCodec.Encode(new TaskMessage { Task = "tasks.add", Id = "id-1" });

        message.Headers.ToJsonString().Should().Be(
            """{"lang":"py","task":"tasks.add","id":"id-1","shadow":null,"eta":null,"expires":null,"group":null,"group_index":null,"retries":0,"timelimit":[null,null],"root_id":"id-1","parent_id":null,"argsrepr":"()","kwargsrepr":"{}","origin":null,"ignore_result":false}""");
        Encoding.UTF8.GetString(message.Body.Span).Should().Be("""[[],{},{"callbacks":null,"errbacks":null,"chain":null,"chord":null}]""");
        message.Properties.CorrelationId.Should().Be("id-1");
        message.ContentType.Should().Be("application/json");
        message.ContentEncoding.Should().Be("utf-8");
    }

    [Fact]
    public void Time_limits_keep_whole_seconds_as_ints_and_fractions_as_floats()
    {
        var headers = TaskMessageCodec.Encode(new TaskMessage { Task = "t", Id = "i", TimeLimits = new TimeLimits(60, 50.5) }).Headers;

        headers["timelimit"]!.ToJsonString().Should().Be("[60,50.5]");
        JsonComparer.KindOf(headers["timelimit"]![0]).Should().Be(JsonKind.Integer);
        JsonComparer.KindOf(headers["timelimit"]![1]).Should().Be(JsonKind.Float);
    }

    [Fact]
    public void Extra_headers_are_kept_but_never_override_modelled_ones()
    {
        var task = new TaskMessage { Task = "t", Id = "i", ExtraHeaders = new JsonObject { ["x-custom"] = "v", ["task"] = "evil" } };

        var headers = TaskMessageCodec.Encode(task).Headers;

        headers.Str("task").Should().Be("t");
        headers.Str("x-custom").Should().Be("v");
        headers.ContainsKey("replaced_task_nesting").Should().BeFalse("5.2 peers never see it unless it is non-zero");
        TaskMessageCodec.Encode(new TaskMessage { Task = "t", Id = "i", ReplacedTaskNesting = 2 }).Headers["replaced_task_nesting"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public void A_zlib_compressed_body_decodes_and_is_reencoded_plain()
    {
        var json = Encoding.UTF8.GetBytes("""[[2, 3], {"z": 1}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]""");
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Optimal)) z.Write(json);
        var headers = new JsonObject { ["task"] = "tasks.add", ["id"] = "x", ["compression"] = "application/x-gzip" };

        var task = TaskMessageCodec.Decode(new BrokerMessage(headers, new MessageProperties(), buffer.ToArray()), Accept);

        task.Args.ToJsonString().Should().Be("[2,3]");
        task.Kwargs.ToJsonString().Should().Be("""{"z":1}""");
        task.ExtraHeaders.Should().BeEmpty();
        TaskMessageCodec.Encode(task).Headers.ContainsKey("compression").Should().BeFalse("we write the body uncompressed");
    }

    [Fact]
    public void A_corrupt_or_unknown_compression_is_refused()
    {
        var corrupt = new JsonObject { ["task"] = "t", ["id"] = "x", ["compression"] = "application/x-gzip" };
        FluentActions.Invoking(() => Decode("[[], {}, {}]", corrupt)).Should().Throw<InvalidMessageException>().WithMessage("*not a valid zlib stream*");

        var bz2 = new JsonObject { ["task"] = "t", ["id"] = "x", ["compression"] = "application/x-bz2" };
        FluentActions.Invoking(() => Decode("[[], {}, {}]", bz2)).Should().Throw<InvalidMessageException>().WithMessage("compression 'application/x-bz2' is not supported");
    }

    [Theory]
    [InlineData("[[1], {}, {}]")]
    [InlineData("[[1], {}, null]")]
    [InlineData("[null, null, null]")]
    public void Empty_or_missing_embed_reads_as_nothing_embedded(string body)
    {
        var task = Decode(body);
        task.Embed.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void A_single_signature_where_a_list_is_expected_is_wrapped()
    {
        var task = Decode("""[[], {}, {"callbacks": {"task": "t", "args": [], "kwargs": {}, "options": {}, "subtask_type": null, "immutable": false}}]""");
        task.Embed.Callbacks.Should().ContainSingle();
    }

    [Fact]
    public void Hybrid_message_overlays_v2_headers_on_the_v1_body()
    {
        var body = """{"task": "tasks.add", "id": "h1", "args": [2, 3], "kwargs": {}, "retries": 1, "callbacks": [{"task": "cb"}], "errbacks": null, "chord": null, "taskset": null}""";
        var headers = new JsonObject { ["task"] = "tasks.add", ["id"] = "h1", ["retries"] = 3, ["x-custom"] = "v", ["meth"] = "run" };

        var task = Decode(body, headers);

        task.Retries.Should().Be(3, "message headers win over the body's keys");
        task.Args.ToJsonString().Should().Be("[2,3]");
        task.Embed.Callbacks!.ToJsonString().Should().Be("""[{"task":"cb"}]""");
        task.Embed.Chain.Should().BeNull();
        task.ExtraHeaders.ToJsonString().Should().Be("""{"x-custom":"v","meth":"run"}""");
    }

    [Fact]
    public void V1_taskset_is_the_group()
    {
        var task = Decode("""{"task": "t", "id": "x", "args": [], "kwargs": {}, "taskset": "g1", "group_index": 2}""", new JsonObject());
        task.Group.Should().Be("g1");
        task.GroupIndex.Should().Be(2);
    }

    [Fact]
    public void V1_body_without_args_is_read_with_no_args()
    {
        // Python's proto1_to_proto2 defaults args to () and kwargs to {}.
        var task = Decode("""{"task": "tasks.ping", "id": "p1"}""", new JsonObject());
        task.Task.Should().Be("tasks.ping");
        task.Args.Should().BeEmpty();
        task.Kwargs.Should().BeEmpty();
    }

    [Fact]
    public void Content_type_is_matched_case_insensitively()
    {
        var message = TaskMessageCodecErrorTests.Message("[[], {}, {}]", contentType: "Application/JSON");
        TaskMessageCodec.Decode(message, Accept).Id.Should().Be("x");
    }

    [Fact]
    public void Integral_floats_are_accepted_where_python_writes_ints()
    {
        var headers = new JsonObject { ["task"] = "t", ["id"] = "x", ["retries"] = JsonNode.Parse("2.0"), ["timelimit"] = JsonNode.Parse("[60.5, null]") };
        var task = Decode("[[], {}, {}]", headers);
        task.Retries.Should().Be(2);
        task.TimeLimits.Should().Be(new TimeLimits(60.5, null));
    }

    [Fact]
    public void Headers_built_in_process_decode_without_a_serialization_round_trip()
    {
        var headers = new JsonObject
        {
            ["task"] = "t", ["id"] = "x", ["retries"] = 1, ["group_index"] = 0, ["timelimit"] = new JsonArray(60, 50.5), ["ignore_result"] = 1,
        };
        var task = Decode("[[], {}, {}]", headers);
        task.Retries.Should().Be(1);
        task.GroupIndex.Should().Be(0);
        task.TimeLimits.Should().Be(new TimeLimits(60, 50.5));
        task.IgnoreResult.Should().BeTrue();
    }

    [Fact]
    public void Default_reprs_are_celery_saferepr_not_repr()
    {
        var task = new TaskMessage
        {
            Task = "t", Id = "i",
            Args = new JsonArray("it's", new JsonArray(new JsonArray(new JsonArray(1)))),
            Kwargs = new JsonObject { ["note"] = "line1\nline2" },
        };

        var headers = TaskMessageCodec.Encode(task).Headers;

        headers.Str("argsrepr").Should().Be("('it\\'s', [[[...]]])");
        headers.Str("kwargsrepr").Should().Be("{'note': 'line1\nline2'}");
    }
}
