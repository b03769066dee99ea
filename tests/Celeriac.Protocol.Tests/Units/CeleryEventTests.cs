using System.Text.Json.Nodes;
using Celeriac.Protocol.Events;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Units;

public class CeleryEventTests
{
    [Fact]
    public void A_whole_second_timestamp_is_still_written_as_a_float()
    {
        // time.time() is a float; 1795239891 (an int) would change the kind Python peers read.
        var json = new CeleryEvent("worker-heartbeat", "celery@h", 1795239891.0, 0, 1, 2).ToJson();

        json["timestamp"]!.ToJsonString().Should().Be("1795239891.0");
        JsonComparer.KindOf(json["timestamp"]).Should().Be(JsonKind.Float);
    }

    [Fact]
    public void ToJson_puts_common_fields_around_the_type_fields_as_python_does()
    {
        var fields = new JsonObject { ["uuid"] = "u", ["result"] = "5", ["runtime"] = JsonNode.Parse("0.5") };
        var json = new CeleryEvent("task-succeeded", "celery@h", 10.25, -2, 7, 3, fields).ToJson();

        json.ToJsonString().Should().Be(
            """{"hostname":"celery@h","utcoffset":-2,"pid":7,"clock":3,"uuid":"u","result":"5","runtime":0.5,"timestamp":10.25,"type":"task-succeeded"}""");
    }

    [Theory]
    [InlineData("task-succeeded", "task", "task.succeeded")]
    [InlineData("worker-heartbeat", "worker", "worker.heartbeat")]
    [InlineData("task-sent", "task", "task.sent")]
    public void Group_and_routing_key_derive_from_the_type(string type, string group, string routingKey)
    {
        var e = new CeleryEvent(type, "h", 1, 0, 1, 1);
        e.Group.Should().Be(group);
        e.RoutingKey.Should().Be(routingKey);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(120, -2)]
    [InlineData(330, -6)]
    [InlineData(-300, 5)]
    [InlineData(-210, 3)]
    public void Local_utc_offset_is_hours_west_floored(int offsetMinutes, int expected) =>
        CeleryEvent.LocalUtcOffset(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromMinutes(offsetMinutes))).Should().Be(expected);

    [Theory]
    [InlineData("not json")]
    [InlineData("5")]
    [InlineData("[5]")]
    [InlineData("{\"hostname\": \"h\"}")]
    public void Bodies_that_are_not_events_are_refused(string body) =>
        FluentActions.Invoking(() => CeleryEvent.ParseBody(System.Text.Encoding.UTF8.GetBytes(body))).Should().Throw<FormatException>();

    [Fact]
    public void An_empty_batch_is_no_events() => CeleryEvent.ParseBody("[]"u8).Should().BeEmpty();
}
