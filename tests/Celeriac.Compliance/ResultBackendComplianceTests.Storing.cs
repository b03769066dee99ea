using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Compliance;

/// <content>Storing and reading metas; the SUCCESS guard (docs/protocol.md §4.2).</content>
public abstract partial class ResultBackendComplianceTests
{
    [Fact]
    public async Task Unknown_task_reads_as_pending()
    {
        var id = ComplianceResults.NewId();

        var meta = await Backend.GetAsync(id);

        meta.TaskId.Should().Be(id);
        meta.Status.Should().Be(TaskStates.Pending);
        meta.Result.Should().BeNull();
        meta.IsReady.Should().BeFalse();
    }

    [Fact]
    public async Task Stored_meta_reads_back_equal()
    {
        var success = ComplianceResults.Success(ComplianceResults.NewId());
        var failure = ComplianceResults.Failure(ComplianceResults.NewId());

        await Worker.StoreAsync([success]);
        await Worker.StoreAsync([failure]);

        var read = await Backend.GetAsync(success.TaskId);
        read.Status.Should().Be(TaskStates.Success);
        JsonNode.DeepEquals(read.Result, success.Result).Should().BeTrue();
        JsonNode.DeepEquals(read.Children, success.Children).Should().BeTrue();
        read.Traceback.Should().BeNull();
        if (KeepsWholeMeta)
        {
            read.DateDone.Should().Be(ComplianceResults.DateDone);
            read.GroupId.Should().Be(success.GroupId);
            read.ParentId.Should().Be(success.ParentId);
        }
        await ShouldReadAsync(success);
        await ShouldReadAsync(failure);
        (await Backend.GetAsync(failure.TaskId)).Exception!.Type.Should().Be("ValueError");
    }

    [Fact]
    public async Task Extended_fields_read_back_equal()
    {
        var meta = new ResultMeta
        {
            TaskId = ComplianceResults.NewId(),
            Status = TaskStates.Success,
            Result = 5,
            Children = [],
            DateDone = ComplianceResults.DateDone,
            Extended = new ExtendedResultFields("tasks.add", new JsonArray(2, 3), new JsonObject { ["z"] = 1 }, "celery@compliance", 2, "celery"),
        };

        await Worker.StoreAsync([meta]);

        await ShouldReadAsync(meta);
    }

    [Fact]
    public async Task Success_is_never_overwritten()
    {
        var id = ComplianceResults.NewId();
        var success = ComplianceResults.Success(id);

        await StoreEachAsync(success, ComplianceResults.Failure(id), ComplianceResults.State(id, TaskStates.Started),
            ComplianceResults.Success(id, result: "duplicate"));

        await ShouldReadAsync(success, "a redelivered duplicate must not replace a good result");
    }

    [Fact]
    public async Task Success_guard_holds_within_one_batch()
    {
        var id = ComplianceResults.NewId();
        var success = ComplianceResults.Success(id);

        await Worker.StoreAsync([ComplianceResults.State(id, TaskStates.Started), success, ComplianceResults.Failure(id)]);

        await ShouldReadAsync(success, "a batch is applied in order, with the same guard");
    }

    [Fact]
    public async Task Non_ready_states_are_replaced_by_later_ones()
    {
        var id = ComplianceResults.NewId();
        var started = ComplianceResults.State(id, TaskStates.Started);
        var progress = ComplianceResults.State(id, "PROGRESS", step: 1);
        var success = ComplianceResults.Success(id);

        await StoreEachAsync(started);
        await ShouldReadAsync(started);
        await StoreEachAsync(progress);
        await ShouldReadAsync(progress);
        await StoreEachAsync(success);
        await ShouldReadAsync(success);
    }

    [Fact]
    public async Task Only_success_is_final_a_failure_can_be_replaced()
    {
        // Celery 5.2 guards SUCCESS only: a task redelivered after a FAILURE may still succeed.
        var id = ComplianceResults.NewId();
        var success = ComplianceResults.Success(id);

        await StoreEachAsync(ComplianceResults.Failure(id), ComplianceResults.State(id, TaskStates.Retry), success);

        await ShouldReadAsync(success);
    }

    [Fact]
    public async Task Many_metas_store_in_one_batch()
    {
        var metas = Enumerable.Range(0, 100)
            .Select(i => i % 4 == 0 ? ComplianceResults.Failure(ComplianceResults.NewId()) : ComplianceResults.Success(ComplianceResults.NewId(), result: i))
            .ToList();

        await Worker.StoreAsync(metas);

        foreach (var meta in metas) await ShouldReadAsync(meta);
    }

    [Fact]
    public async Task Forget_removes_the_result()
    {
        var success = ComplianceResults.Success(ComplianceResults.NewId());
        var other = ComplianceResults.Success(ComplianceResults.NewId());
        await Worker.StoreAsync([success, other]);

        await Backend.ForgetAsync(success.TaskId);
        await Backend.ForgetAsync(ComplianceResults.NewId());

        (await Backend.GetAsync(success.TaskId)).Status.Should().Be(TaskStates.Pending);
        await ShouldReadAsync(other, "forgetting one task leaves the others");
    }

    [Fact]
    public async Task Stored_meta_is_a_snapshot()
    {
        var id = ComplianceResults.NewId();
        var stored = ComplianceResults.Success(id);
        var expected = Json(stored);

        await Worker.StoreAsync([stored]);
        ((JsonObject)stored.Result!)["sum"] = 999;
        stored.Children!.Add("changed after store");
        var read = await Backend.GetAsync(id);
        ((JsonObject)read.Result!)["sum"] = 1000;

        Json(await Backend.GetAsync(id)).Should().Be(expected, "neither the writer nor a reader can change a stored result in place");
    }
}
