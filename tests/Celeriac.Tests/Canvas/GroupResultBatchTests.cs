using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// A group's readiness, completed count and join read all members in one batch and wait for the
/// late ones together (issue 10 item 10), counted on a backend that counts its calls.
/// </summary>
public sealed class GroupResultBatchTests : IAsyncDisposable
{
    private const int Members = 1000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TestHarness _h = TestHarness.Create();
    private readonly CountingResultBackend _backend;

    public GroupResultBatchTests() => _backend = new CountingResultBackend(_h.App.Backend);

    private static string Id(int i) => $"member-{i:D4}";

    private static ResultMeta Meta(int i, string state) => new()
    {
        TaskId = Id(i),
        Status = state,
        Result = state == TaskStates.Failure
            ? new JsonObject { ["exc_type"] = "ValueError", ["exc_message"] = new JsonArray($"bad {i}"), ["exc_module"] = "builtins" }
            : i * 2,
    };

    private GroupResult Group(int count) =>
        new(_h.App, _backend, "g", Enumerable.Range(0, count).Select(i => (ITaskResult)new AsyncResult(_h.App, Id(i), _backend)).ToList());

    private Task Store(IEnumerable<int> members, string state) => _backend.StoreAsync(members.Select(i => Meta(i, state)).ToList()).AsTask();

    [Fact]
    public async Task Ready_completed_count_and_join_of_a_thousand_members_read_them_in_one_batch()
    {
        var group = Group(Members);
        await Store(Enumerable.Range(0, Members), TaskStates.Success);

        (await group.IsReadyAsync()).Should().BeTrue();
        _backend.Reads.Should().Be(1, "readiness reads every member in one batch");
        _backend.Reset();

        (await group.CompletedCountAsync()).Should().Be(Members);
        _backend.Reads.Should().Be(1, "the completed count reads every member in one batch");
        _backend.Reset();

        var values = await group.JoinAsync(Timeout);
        values.Select(v => v!.GetValue<int>()).Should().Equal(Enumerable.Range(0, Members).Select(i => i * 2));
        _backend.Reads.Should().Be(1, "a join of ready members reads them in one batch");
        _backend.Waits.Should().Be(0, "nothing is left to wait for");
    }

    [Fact]
    public async Task Mixed_success_failure_and_pending_members_are_counted_and_joined_in_member_order()
    {
        var group = Group(9);
        // 0,3,6 succeed; 1,4,7 fail; 2,5,8 are pending until later.
        await Store([0, 3, 6], TaskStates.Success);
        await Store([1, 4, 7], TaskStates.Failure);

        (await group.IsReadyAsync()).Should().BeFalse();
        (await group.CompletedCountAsync()).Should().Be(3);
        var join = () => group.JoinAsync(Timeout);
        (await join.Should().ThrowAsync<TaskFailedException>()).Which.TaskId.Should().Be(Id(1), "the first failure in member order is raised, as join does");

        var waitsStarted = _backend.WaitsStarted(3);
        var joining = group.JoinAsync(Timeout, propagate: false);
        await waitsStarted.WaitAsync(Timeout);
        joining.IsCompleted.Should().BeFalse("three members are still pending");
        await Store([2, 5, 8], TaskStates.Success);

        var values = await joining;
        values.Count.Should().Be(9);
        for (var i = 0; i < 9; i++)
        {
            if (i % 3 == 1) values[i]!["exc_message"]![0]!.GetValue<string>().Should().Be($"bad {i}");
            else values[i]!.GetValue<int>().Should().Be(i * 2);
        }
        (await group.IsReadyAsync()).Should().BeTrue();
        (await group.CompletedCountAsync()).Should().Be(6);
    }

    [Fact]
    public async Task Join_waits_for_late_members_together_and_returns_them_in_member_order()
    {
        var group = Group(Members);
        var late = Enumerable.Range(0, Members).Where(i => i % 10 == 0).ToList();
        await Store(Enumerable.Range(0, Members).Except(late), TaskStates.Success);
        _backend.Reset();

        var waitsStarted = _backend.WaitsStarted(late.Count);
        var joining = group.JoinAsync(Timeout);
        await waitsStarted.WaitAsync(Timeout);
        joining.IsCompleted.Should().BeFalse();
        // The late members finish in reverse order: the join still returns them in member order.
        foreach (var i in Enumerable.Reverse(late)) await Store([i], TaskStates.Success);

        var values = await joining;
        values.Select(v => v!.GetValue<int>()).Should().Equal(Enumerable.Range(0, Members).Select(i => i * 2));
        _backend.Reads.Should().Be(1, "the members are read once, in one batch");
        _backend.Waits.Should().Be(late.Count, "only the members not ready are waited for");
    }

    [Fact]
    public async Task A_join_that_times_out_names_a_member_still_pending()
    {
        var group = Group(3);
        await Store([0, 2], TaskStates.Success);

        var act = () => group.JoinAsync(TimeSpan.FromMilliseconds(50));

        (await act.Should().ThrowAsync<TimeoutException>()).Which.Message.Should().Contain(Id(1));
    }

    [Fact]
    public async Task Nested_groups_are_read_in_the_same_batch_and_joined_as_nested_arrays()
    {
        var inner = new GroupResult(_h.App, _backend, "inner", [new AsyncResult(_h.App, Id(1), _backend), new AsyncResult(_h.App, Id(2), _backend)]);
        var group = new GroupResult(_h.App, _backend, "outer", [new AsyncResult(_h.App, Id(0), _backend), inner, new AsyncResult(_h.App, Id(3), _backend)]);
        await Store([0, 1, 3], TaskStates.Success);

        (await group.CompletedCountAsync()).Should().Be(2, "the nested group counts only when all its members succeeded");
        await Store([2], TaskStates.Success);
        (await group.CompletedCountAsync()).Should().Be(3);
        _backend.Reset();

        (await group.JoinAsync(Timeout)).ToJsonString().Should().Be("[0,[2,4],6]");
        _backend.Reads.Should().Be(1);
    }

    [Fact]
    public async Task Results_sent_one_by_one_can_be_joined_as_a_group()
    {
        await Store([0, 1], TaskStates.Success);

        var group = new GroupResult(_h.App, [_h.App.Result(Id(1)), _h.App.Result(Id(0))]);

        group.Id.Should().NotBeNullOrEmpty();
        (await group.JoinAsync(Timeout)).ToJsonString().Should().Be("[2,0]");
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();
}
