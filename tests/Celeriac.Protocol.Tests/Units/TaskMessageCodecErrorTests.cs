using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>
/// Messages a Python worker would reject (docs/protocol.md §1.12) are refused with a reason a log reader can act on.
/// </summary>
public class TaskMessageCodecErrorTests
{
    private static readonly string[] Accept = [ContentTypes.Json];

    internal static BrokerMessage Message(string body, JsonObject? headers = null, string contentType = ContentTypes.Json) =>
        new(headers ?? new JsonObject { ["task"] = "tasks.add", ["id"] = "x" }, new MessageProperties(), Encoding.UTF8.GetBytes(body), contentType);

    private static void Refused(BrokerMessage message, string reasonPattern, IReadOnlyCollection<string>? accept = null) =>
        FluentActions.Invoking(() => TaskMessageCodec.Decode(message, accept ?? Accept))
            .Should().Throw<InvalidMessageException>().WithMessage(reasonPattern);

    [Theory]
    [InlineData("not json")]
    [InlineData("[[1, 2], {}, {}")]
    [InlineData("")]
    public void Body_that_is_not_json(string body) => Refused(Message(body), "body is not valid JSON*");

    [Theory]
    [InlineData("[[], {}]")]
    [InlineData("[[], {}, {}, {}]")]
    [InlineData("\"text\"")]
    [InlineData("5")]
    [InlineData("{\"kwargs\": {}}")]
    public void Body_that_is_not_a_three_element_array(string body) =>
        Refused(Message(body), "protocol v2 body must be a JSON array [args, kwargs, embed]");

    [Fact]
    public void Args_that_are_not_an_array() => Refused(Message("""[{"a": 1}, {}, {}]"""), "body args is not an array");

    [Theory]
    [InlineData("[[], [], {}]")]
    [InlineData("[[], \"k\", {}]")]
    public void Kwargs_that_are_not_an_object(string body) => Refused(Message(body), "body kwargs is not an object");

    [Fact]
    public void Embed_that_is_not_an_object() => Refused(Message("[[], {}, [1]]"), "body embed is not an object");

    [Fact]
    public void Embed_chord_that_is_not_a_signature() => Refused(Message("""[[], {}, {"chord": [1]}]"""), "*'chord'*");

    [Fact]
    public void Missing_task_header_and_no_v1_body() =>
        Refused(Message("[[], {}, {}]", new JsonObject { ["id"] = "x" }), "*no 'task'*");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_or_empty_id(string? id)
    {
        var headers = new JsonObject { ["task"] = "tasks.add" };
        if (id is not null) headers["id"] = id;
        Refused(Message("[[], {}, {}]", headers), "message has no 'id'");
    }

    [Fact]
    public void Empty_task_name() =>
        Refused(Message("[[], {}, {}]", new JsonObject { ["task"] = "", ["id"] = "x" }), "message has no 'task' name");

    [Fact]
    public void Pickle_is_refused_naming_the_content_type() =>
        Refused(Message("[[], {}, {}]", contentType: ContentTypes.Pickle), "content type 'application/x-python-serialize' is not accepted (accept_content: application/json)");

    [Fact]
    public void Pickle_in_the_accept_list_is_still_not_decoded() =>
        Refused(Message("[[], {}, {}]", contentType: ContentTypes.Pickle), "content type 'application/x-python-serialize' is accepted but cannot be decoded*",
            [ContentTypes.Json, ContentTypes.Pickle]);

    [Theory]
    [InlineData("eta", "tomorrow")]
    [InlineData("eta", "2026-13-45T00:00:00+00:00")]
    [InlineData("expires", "soon")]
    public void Bad_eta_or_expires(string header, string value)
    {
        var headers = new JsonObject { ["task"] = "tasks.add", ["id"] = "x", [header] = value };
        Refused(Message("[[], {}, {}]", headers), $"header '{header}' is not an ISO-8601 time: '{value}'");
    }

    [Theory]
    [InlineData("retries", "\"many\"")]
    [InlineData("group_index", "1.5")]
    [InlineData("task", "5")]
    [InlineData("ignore_result", "\"yes\"")]
    public void Header_of_the_wrong_type(string header, string json)
    {
        var headers = new JsonObject { ["task"] = "tasks.add", ["id"] = "x", [header] = JsonNode.Parse(json) };
        Refused(Message("[[], {}, {}]", headers), $"bad header: *'{header}'*");
    }

    [Theory]
    [InlineData("[60]")]
    [InlineData("60")]
    [InlineData("[\"60\", null]")]
    public void Timelimit_that_is_not_a_hard_soft_pair(string json)
    {
        var headers = new JsonObject { ["task"] = "tasks.add", ["id"] = "x", ["timelimit"] = JsonNode.Parse(json) };
        Refused(Message("[[], {}, {}]", headers), "header 'timelimit' must*");
    }

    [Fact]
    public void V1_body_whose_kwargs_are_not_an_object() =>
        Refused(Message("""{"task": "tasks.add", "id": "x", "args": [], "kwargs": []}""", new JsonObject()), "v1 body kwargs is not an object");

    [Fact]
    public void V1_body_whose_args_are_not_an_array() =>
        Refused(Message("""{"task": "tasks.add", "id": "x", "args": 5, "kwargs": {}}""", new JsonObject()), "v1 body args is not an array");

    [Fact]
    public void V1_body_without_a_task() =>
        Refused(Message("""{"id": "x", "args": []}""", new JsonObject()), "message has no 'task' name");
}
