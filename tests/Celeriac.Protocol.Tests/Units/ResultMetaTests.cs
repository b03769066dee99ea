using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Protocol.Tests.Units;

public class ResultMetaTests
{
    [Fact]
    public void A_meta_built_in_csharp_is_written_as_python_writes_it()
    {
        var meta = new ResultMeta
        {
            TaskId = "t1",
            Status = TaskStates.Success,
            Result = 5,
            DateDone = new DateTime(2026, 11, 21, 5, 44, 51, DateTimeKind.Utc).AddTicks(7_148_950),
            ParentId = "p1",
        };

        meta.ToJson().ToJsonString().Should().Be(
            """{"status":"SUCCESS","result":5,"traceback":null,"children":[],"date_done":"2026-11-21T05:44:51.714895","parent_id":"p1","task_id":"t1"}""");
    }

    [Fact]
    public void Null_children_round_trip_as_null()
    {
        // Python writes null when the meta is stored outside a task (no request to take children from).
        const string json = """{"status":"FAILURE","result":null,"traceback":null,"children":null,"date_done":null,"task_id":"t"}""";
        ResultMeta.Parse(System.Text.Encoding.UTF8.GetBytes(json)).ToJson().ToJsonString().Should().Be(json);
    }

    [Fact]
    public void Pending_is_what_a_missing_key_reads_as()
    {
        var pending = ResultMeta.Pending("t");
        pending.IsReady.Should().BeFalse();
        pending.Exception.Should().BeNull();
        pending.ToJson()["status"]!.GetValue<string>().Should().Be("PENDING");
    }

    [Fact]
    public void Aware_date_done_from_newer_celery_is_read_as_utc()
    {
        var meta = ResultMeta.FromJson(JsonNode.Parse("""{"status":"SUCCESS","result":1,"date_done":"2026-11-21T07:44:51.5+02:00","task_id":"t"}""")!.AsObject());
        meta.DateDone.Should().Be(new DateTime(2026, 11, 21, 5, 44, 51, 500, DateTimeKind.Utc));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"result": 1, "task_id": "t"}""")]
    [InlineData("""{"status": "SUCCESS"}""")]
    [InlineData("""{"status": 5, "task_id": "t"}""")]
    public void Not_a_meta_is_refused(string json) =>
        FluentActions.Invoking(() => ResultMeta.Parse(System.Text.Encoding.UTF8.GetBytes(json))).Should().Throw<FormatException>();

    [Fact]
    public void The_task_id_can_come_from_the_key_when_the_meta_lacks_it() =>
        ResultMeta.Parse("""{"status": "SUCCESS", "result": 1}"""u8, "from-key").TaskId.Should().Be("from-key");
}
