using System.Text.Json.Nodes;
using Celeriac.Protocol.Control;
using Celeriac.Protocol.Messages;

namespace Celeriac.Protocol.Tests.Units;

public class ControlMessageTests
{
    [Fact]
    public void Request_with_destination_and_reply_is_written_in_python_order()
    {
        var request = new ControlRequest
        {
            Method = "ping",
            Destination = ["celery@a", "celery@b"],
            Ticket = "t1",
            ReplyTo = new DeliveryInfo("reply.celery.pidbox", "oid"),
        };

        request.ToJson().ToJsonString().Should().Be(
            """{"method":"ping","arguments":{},"destination":["celery@a","celery@b"],"pattern":null,"matcher":null,"ticket":"t1","reply_to":{"exchange":"reply.celery.pidbox","routing_key":"oid"}}""");
        ControlRequest.Parse(System.Text.Encoding.UTF8.GetBytes(request.ToJson().ToJsonString())).Destination.Should().Equal("celery@a", "celery@b");
    }

    [Fact]
    public void Request_headers_write_expires_as_a_float_or_zero()
    {
        ControlRequest.Headers(5, 1795239913.0).ToJsonString().Should().Be("""{"clock":5,"expires":1795239913.0}""");
        ControlRequest.Headers(5, 0).ToJsonString().Should().Be("""{"clock":5,"expires":0}""");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"arguments": {}}""")]
    [InlineData("""{"method": "ping", "destination": [1]}""")]
    public void Not_a_request_is_refused(string json) =>
        FluentActions.Invoking(() => ControlRequest.Parse(System.Text.Encoding.UTF8.GetBytes(json))).Should().Throw<FormatException>();

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"a": 1, "b": 2}""")]
    [InlineData("[1]")]
    public void Not_a_reply_is_refused(string json) =>
        FluentActions.Invoking(() => ControlReply.Parse(System.Text.Encoding.UTF8.GetBytes(json))).Should().Throw<FormatException>();

    [Fact]
    public void Reply_values_are_kept_as_json()
    {
        var reply = new ControlReply("celery@h", new JsonObject { ["ok"] = "pong" });
        reply.ToJson().ToJsonString().Should().Be("""{"celery@h":{"ok":"pong"}}""");
        new ControlReply("celery@h", null).ToJson().ToJsonString().Should().Be("""{"celery@h":null}""");
        ControlReply.Headers("t", 7).ToJsonString().Should().Be("""{"ticket":"t","clock":7}""");
    }
}
