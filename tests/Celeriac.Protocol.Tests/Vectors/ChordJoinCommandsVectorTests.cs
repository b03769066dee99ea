using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// result_redis_chord_join_commands: the Redis backend's native chord join seen with MONITOR
/// (docs/protocol.md §4.8). What it holds, for the canvas work that will implement the join:
/// <list type="bullet">
/// <item><c>SETEX/PUBLISH celery-taskset-meta-&lt;gid&gt;.s</c> = chord size, written by the producer;</item>
/// <item>per header task: its STARTED/SUCCESS/FAILURE metas (SETEX + PUBLISH), then
///   <c>ZADD &lt;gid&gt;.j &lt;group_index&gt; [1, tid, state, result]</c>, <c>ZCOUNT -inf +inf</c> and
///   <c>EXPIRE</c> of .j/.t/.s (the pipelined GETs were filtered out of the capture);</item>
/// <item>success: the last part reads <c>ZRANGE .j 0 -1</c>, sends the body, then DELs .j/.t/.s;</item>
/// <item>failure: ZRANGE, ChordError stored on the body, keys left to expire.</item>
/// </list>
/// Arguments of the failure case were cut at 600 characters by the capture, so one meta is not JSON.
/// </summary>
public class ChordJoinCommandsVectorTests
{
    public static IEnumerable<object[]> Cases() =>
    [
        ["success_case_group_id", "success_case_commands", true],
        ["failure_case_group_id", "failure_case_commands_truncated_600", false],
    ];

    private sealed record Part(double Score, string TaskId, string State, JsonNode? Result);

    private static (string Gid, List<string[]> Commands) Load(string gidKey, string commandsKey)
    {
        var v = Vector.Load(VectorCatalog.ChordJoinCommands);
        return (v.Str(gidKey), v.Arr(commandsKey).Select(c => c!.AsArray().Select(x => x!.GetValue<string>()).ToArray()).ToList());
    }

    private static List<Part> Parts(List<string[]> commands, string gid) =>
        commands.Where(c => c[0] == "ZADD" && c[1] == $"celery-taskset-meta-{gid}.j").Select(c =>
        {
            var member = JsonNode.Parse(c[3])!.AsArray();
            member.Should().HaveCount(4, "a join member is [1, task_id, state, result]");
            JsonComparer.KindOf(member[0]).Should().Be(JsonKind.Integer);
            member[0]!.GetValue<int>().Should().Be(1);
            return new Part(double.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture), member[1]!.GetValue<string>(), member[2]!.GetValue<string>(), member[3]?.DeepClone());
        }).ToList();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Chord_size_is_stored_then_every_part_joins_with_its_group_index(string gidKey, string commandsKey, bool _)
    {
        var (gid, commands) = Load(gidKey, commandsKey);
        var size = int.Parse(commands[0][3], System.Globalization.CultureInfo.InvariantCulture);
        commands[0].Should().Equal("SETEX", $"celery-taskset-meta-{gid}.s", "86400", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        commands[1].Should().Equal("PUBLISH", $"celery-taskset-meta-{gid}.s", commands[0][3]);

        var parts = Parts(commands, gid);
        parts.Should().HaveCount(size);
        parts.Select(p => p.Score).Should().Equal(Enumerable.Range(0, size).Select(i => (double)i), "these parts finished in header order");

        foreach (var i in commands.Select((c, i) => (c, i)).Where(x => x.c[0] == "ZADD").Select(x => x.i))
        {
            commands[i + 1].Should().Equal("ZCOUNT", $"celery-taskset-meta-{gid}.j", "-inf", "+inf");
            commands.Skip(i + 2).Take(3).Select(c => string.Join(' ', c)).Should().Equal(
                $"EXPIRE celery-taskset-meta-{gid}.j 86400", $"EXPIRE celery-taskset-meta-{gid}.t 86400", $"EXPIRE celery-taskset-meta-{gid}.s 86400");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Part_results_are_the_results_stored_for_those_tasks(string gidKey, string commandsKey, bool _)
    {
        var (gid, commands) = Load(gidKey, commandsKey);
        var metas = new Dictionary<string, ResultMeta>();
        foreach (var c in commands.Where(c => c[0] == "SETEX" && c[1].StartsWith("celery-task-meta-", StringComparison.Ordinal)))
        {
            if (!IsJson(c[3])) { c[3].Length.Should().Be(600, "only the capture's truncation makes a meta unreadable"); continue; }
            var meta = ResultMeta.Parse(System.Text.Encoding.UTF8.GetBytes(c[3]));
            JsonComparer.Ordered.AssertEqual(JsonNode.Parse(c[3]), meta.ToJson(), c[1]);
            meta.GroupId.Should().Be(gid);
            metas[meta.TaskId] = meta;
        }

        foreach (var part in Parts(commands, gid))
        {
            part.State.Should().BeOneOf(TaskStates.Success, TaskStates.Failure);
            var stored = metas[part.TaskId]; // the last readable meta stored for that task
            if (stored.Status == part.State)
                JsonComparer.Strict.AssertEqual(stored.Result, part.Result, part.TaskId);
            else
                stored.Status.Should().Be(TaskStates.Started, "its final meta is the one the capture truncated");

            // The worker stores the part's own result before it joins the chord.
            var lastStore = commands.FindLastIndex(c => c[0] == "SETEX" && c[1] == "celery-task-meta-" + part.TaskId);
            var join = commands.FindIndex(c => c[0] == "ZADD" && c[3].Contains(part.TaskId, StringComparison.Ordinal));
            lastStore.Should().BeLessThan(join);
        }
    }

    [Fact]
    public void Success_reads_the_join_sends_the_body_with_ordered_results_and_deletes_the_keys()
    {
        var (gid, commands) = Load("success_case_group_id", "success_case_commands");
        var parts = Parts(commands, gid);

        commands.TakeLast(4).Select(c => string.Join(' ', c)).Should().Equal(
            $"ZRANGE celery-taskset-meta-{gid}.j 0 -1",
            $"DEL celery-taskset-meta-{gid}.j", $"DEL celery-taskset-meta-{gid}.t", $"DEL celery-taskset-meta-{gid}.s");

        // The body message the last finishing part sent: results in group_index order, parent = that part.
        var body = TaskVectorMessage.Load("task_v2_chord_body_sent_by_worker", 0);
        JsonComparer.Strict.AssertEqual(new JsonArray(new JsonArray(parts.OrderBy(p => p.Score).Select(p => p.Result?.DeepClone()).ToArray())), body.Args, "chord body args");
        body.Headers.Str("parent_id").Should().Be(parts[^1].TaskId);
        body.Headers.Str("root_id").Should().Be(parts[^1].TaskId);
    }

    [Fact]
    public void Failure_leaves_the_keys_and_stores_a_chord_error_naming_the_failed_part()
    {
        var (gid, commands) = Load("failure_case_group_id", "failure_case_commands_truncated_600");
        var failed = Parts(commands, gid).Single(p => p.State == TaskStates.Failure);

        commands[^1].Should().Equal("ZRANGE", $"celery-taskset-meta-{gid}.j", "0", "-1");
        commands.Should().NotContain(c => c[0] == "DEL");

        var exc = ExceptionInfo.FromJson(failed.Result)!;
        var chordError = ResultMeta.Parse(Vector.Load("result_chord_body_chord_error").Obj("result").Utf8("raw")).Exception!;
        chordError.Message.Should().Be($"Dependency {failed.TaskId} raised {exc.Repr}");
    }

    private static bool IsJson(string text)
    {
        try { JsonNode.Parse(text); return true; }
        catch (JsonException) { return false; }
    }
}
