using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Canvas;

/// <summary>GroupResult and result navigation against backend states stored directly.</summary>
public sealed class GroupResultTests : IAsyncDisposable
{
    private readonly TestHarness _h = TestHarness.Create();

    private CeleriacApp App => _h.App;

    private Task Store(string id, string state, JsonNode? result, JsonArray? children = null) =>
        App.Backend.StoreAsync([new ResultMeta { TaskId = id, Status = state, Result = result, Children = children ?? [] }]).AsTask();

    private GroupResult Group(string id, params string[] members) =>
        new(App, App.Backend, id, members.Select(m => (ITaskResult)App.Result(m)).ToList());

    [Fact]
    public async Task Save_writes_the_tuple_python_writes_and_restore_reads_it_back()
    {
        var saved = RetryTestBed.Vector("result_group_saved")["result"]!["decoded"]!["result"]!.AsArray();
        var group = Group("f34fe88d-5bd2-4b7d-81d0-2099f35314c9", "ca18fbc2-759c-48eb-8510-2f8d93ce3bbd", "087d076e-6e07-4558-bb98-c733f0a3de58");

        await group.SaveAsync();

        JsonNode.DeepEquals(await App.Backend.RestoreGroupAsync(group.Id), saved).Should().BeTrue();
        var restored = await GroupResult.RestoreAsync(App, group.Id);
        restored!.Results.Select(r => r.Id).Should().Equal(group.Results.Select(r => r.Id));
        (await GroupResult.RestoreAsync(App, "missing")).Should().BeNull();
    }

    [Fact]
    public async Task Join_returns_values_in_group_order_and_counts_what_succeeded()
    {
        var group = Group("g", "t1", "t2", "t3");
        await Store("t3", TaskStates.Success, 3);
        await Store("t1", TaskStates.Success, 1);
        (await group.IsReadyAsync()).Should().BeFalse();
        (await group.CompletedCountAsync()).Should().Be(2);

        await Store("t2", TaskStates.Success, 2);

        (await group.IsReadyAsync()).Should().BeTrue();
        (await group.JoinAsync(TimeSpan.FromSeconds(5))).ToJsonString().Should().Be("[1,2,3]");
        (await group.JoinAsync<int>(TimeSpan.FromSeconds(5))).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task A_failed_member_throws_unless_propagation_is_off()
    {
        var group = Group("g", "ok", "bad");
        await Store("ok", TaskStates.Success, 1);
        await Store("bad", TaskStates.Failure, new JsonObject { ["exc_type"] = "ValueError", ["exc_message"] = new JsonArray("no"), ["exc_module"] = "builtins" });

        var act = () => group.JoinAsync(TimeSpan.FromSeconds(5));

        (await act.Should().ThrowAsync<TaskFailedException>()).Which.TaskId.Should().Be("bad");
        var values = await group.JoinAsync(TimeSpan.FromSeconds(5), propagate: false);
        values[1]!["exc_type"]!.GetValue<string>().Should().Be("ValueError");
    }

    [Fact]
    public async Task Children_are_read_from_the_meta_as_single_and_group_results()
    {
        var withChildren = RetryTestBed.Vector("result_success_with_children")["result"]!["decoded"]!.AsObject();
        await App.Backend.StoreAsync([ResultMeta.FromJson(withChildren)]);
        var groupChild = Group("g1", "m1", "m2").AsTuple();
        await Store("parent2", TaskStates.Success, 1, [groupChild]);

        var one = await App.Result("b9000000-0000-4000-8000-000000000009").RefreshAsync();
        var two = await App.Result("parent2").RefreshAsync();

        one.Children.Single().Should().BeOfType<AsyncResult>().Which.Id.Should().Be("0d2b8d7a-79cc-43fc-a881-c332ba5ab342");
        two.Children.Single().Should().BeOfType<GroupResult>().Which.Results.Select(r => r.Id).Should().Equal("m1", "m2");
    }

    [Fact]
    public void Result_tuples_carry_the_parent()
    {
        var child = App.Result("c");
        child.Parent = App.Result("p");

        child.AsTuple().ToJsonString().Should().Be("""[["c",[["p",null],null]],null]""");
        Group("g", "a").AsTuple().ToJsonString().Should().Be("""[["g",null],[[["a",null],null]]]""");
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();
}
