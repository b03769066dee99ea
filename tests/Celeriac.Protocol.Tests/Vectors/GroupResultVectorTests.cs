using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// Result tuples (docs/protocol.md §4.6): the saved group meta (<c>result_group_saved</c>) and the
/// <c>children</c> lists of task metas parse into <see cref="ResultTuple"/>s and write back as Python's.
/// </summary>
public class GroupResultVectorTests
{
    [Fact]
    public void Saved_group_meta_parses_and_reemits_what_python_stored()
    {
        var r = Vector.Load(VectorCatalog.GroupSaved).Obj("result");

        var meta = GroupResultMeta.Parse(r.Utf8("raw"));

        JsonComparer.Ordered.AssertEqual(r["decoded"], meta.ToJson(), "group meta");
        r.Str("redis_key").Should().Be("celery-taskset-meta-" + meta.GroupId);
        meta.Result.Parent.Should().BeNull();
        meta.Members.Should().HaveCount(2).And.OnlyContain(m => !m.IsGroup && m.Parent == null);
    }

    [Fact]
    public void Saved_group_meta_built_from_ids_equals_python()
    {
        var decoded = Vector.Load(VectorCatalog.GroupSaved).Obj("result").Obj("decoded");
        var parsed = GroupResultMeta.FromJson(decoded);

        var ours = GroupResultMeta.Of(parsed.GroupId, parsed.Members.Select(m => m.Id));

        JsonComparer.Ordered.AssertEqual(decoded, ours.ToJson(), "group meta from ids");
    }

    [Fact]
    public void Group_member_meta_points_at_the_saved_group()
    {
        var group = GroupResultMeta.Parse(Vector.Load(VectorCatalog.GroupSaved).Obj("result").Utf8("raw"));
        var member = ResultMeta.Parse(Vector.Load("result_group_member_success").Obj("result").Utf8("raw"));

        member.GroupId.Should().Be(group.GroupId);
        group.Members.Select(m => m.Id).Should().Contain(member.TaskId);
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.ResultMetas), MemberType = typeof(VectorCatalog))]
    public void Children_are_result_tuples_that_round_trip(string file)
    {
        var children = Vector.Load(file).Obj("result").Obj("decoded").Arr("children");

        foreach (var child in children)
        {
            var tuple = ResultTuple.FromJson(child);
            JsonComparer.Ordered.AssertEqual(child, tuple.ToJson(), file + " child");
        }
    }

    [Fact]
    public void Retry_lists_the_task_itself_as_child_and_a_callback_lists_the_callback()
    {
        var retry = ResultMeta.Parse(Vector.Load("result_retry").Obj("result").Utf8("raw"));
        ResultTuple.FromJson(retry.Children![0]).Should().Be(new ResultTuple(retry.TaskId));

        var linked = ResultMeta.Parse(Vector.Load("result_success_with_children").Obj("result").Utf8("raw"));
        var callback = TaskVectorMessage.Load("task_v2_link_callback_sent_by_worker", 0);
        ResultTuple.FromJson(linked.Children![0]).Id.Should().Be(callback.Headers.Str("id"));
        callback.Headers.Str("parent_id").Should().Be(linked.TaskId);
    }

    [Fact]
    public void Nested_tuples_with_parents_and_bare_ids_are_read()
    {
        var node = JsonNode.Parse("""[["g", [["p", null], null]], [[["a", null], null], ["b", null]]]""");

        var tuple = ResultTuple.FromJson(node);

        tuple.Should().BeEquivalentTo(new ResultTuple("g", new ResultTuple("p"), [new ResultTuple("a"), new ResultTuple("b")]));
        tuple.ToJson().ToJsonString().Should().Be("""[["g",[["p",null],null]],[[["a",null],null],[["b",null],null]]]""");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[1, null]")]
    [InlineData("[[\"a\", null]]")]
    [InlineData("[[\"a\", null], {}]")]
    public void Malformed_tuples_are_refused(string json)
    {
        var act = () => ResultTuple.FromJson(JsonNode.Parse(json));
        act.Should().Throw<FormatException>();
    }

    [Fact]
    public void Group_meta_refuses_a_single_task_tuple()
    {
        var act = () => GroupResultMeta.Parse("""{"result": [["a", null], null]}"""u8);
        act.Should().Throw<FormatException>().WithMessage("*not a group tuple*");
    }
}
