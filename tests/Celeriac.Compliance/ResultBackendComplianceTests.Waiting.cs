using Celeriac.Protocol.Results;

namespace Celeriac.Compliance;

/// <content>Waiting clients (docs/protocol.md §4.3): woken by the store of a ready state, not by anything else.</content>
public abstract partial class ResultBackendComplianceTests
{
    [Theory]
    [InlineData(TaskStates.Success)]
    [InlineData(TaskStates.Failure)]
    [InlineData(TaskStates.Revoked)]
    public async Task Wait_returns_when_a_ready_state_is_stored_later(string state)
    {
        var ready = ComplianceResults.Ready(ComplianceResults.NewId(), state);
        using var cts = new CancellationTokenSource(Timeout);

        var waiting = Backend.WaitForReadyAsync(ready.TaskId, cts.Token).AsTask();
        waiting.IsCompleted.Should().BeFalse("nothing is stored yet");
        await Worker.StoreAsync([ready]);
        var meta = await waiting.WaitAsync(Timeout);

        Json(meta).Should().Be(Json(ready));
    }

    [Fact]
    public async Task Wait_is_not_woken_by_states_that_are_not_ready()
    {
        var id = ComplianceResults.NewId();
        var success = ComplianceResults.Success(id);
        using var cts = new CancellationTokenSource(Timeout);

        var waiting = Backend.WaitForReadyAsync(id, cts.Token).AsTask();
        await StoreEachAsync(
            ComplianceResults.State(id, TaskStates.Started),
            ComplianceResults.State(id, "PROGRESS", step: 1),
            ComplianceResults.State(id, TaskStates.Retry));
        await ShouldReadAsync(ComplianceResults.State(id, TaskStates.Retry), "the non-ready states were stored");
        await Worker.StoreAsync([success]);
        var meta = await waiting.WaitAsync(Timeout);

        Json(meta).Should().Be(Json(success), "only a ready state ends the wait");
    }

    [Fact]
    public async Task Wait_returns_at_once_when_already_ready()
    {
        var failure = ComplianceResults.Failure(ComplianceResults.NewId());
        await Worker.StoreAsync([failure]);

        var meta = await Backend.WaitForReadyAsync(failure.TaskId, CancellationToken.None).AsTask().WaitAsync(Timeout);

        Json(meta).Should().Be(Json(failure));
    }

    [Fact]
    public async Task Cancelling_a_wait_throws_operation_canceled()
    {
        using var cts = new CancellationTokenSource();
        var waiting = Backend.WaitForReadyAsync(ComplianceResults.NewId(), cts.Token).AsTask();

        await cts.CancelAsync();

        await FluentActions.Awaiting(() => waiting.WaitAsync(Timeout)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Cancelling_one_waiter_leaves_the_others_waiting()
    {
        var success = ComplianceResults.Success(ComplianceResults.NewId());
        using var cancelled = new CancellationTokenSource();
        using var patient = new CancellationTokenSource(Timeout);
        var givingUp = Backend.WaitForReadyAsync(success.TaskId, cancelled.Token).AsTask();
        var waiting = Backend.WaitForReadyAsync(success.TaskId, patient.Token).AsTask();

        await cancelled.CancelAsync();
        await FluentActions.Awaiting(() => givingUp.WaitAsync(Timeout)).Should().ThrowAsync<OperationCanceledException>();
        var later = Backend.WaitForReadyAsync(success.TaskId, patient.Token).AsTask();
        await Worker.StoreAsync([success]);

        Json(await waiting.WaitAsync(Timeout)).Should().Be(Json(success));
        Json(await later.WaitAsync(Timeout)).Should().Be(Json(success));
    }

    [Fact]
    public async Task Many_waiters_on_one_task_are_all_woken()
    {
        var success = ComplianceResults.Success(ComplianceResults.NewId());
        using var cts = new CancellationTokenSource(Timeout);
        var clients = SharedAcrossClients ? new[] { Backend, await CreateBackendAsync(), await CreateBackendAsync() } : [Backend];
        try
        {
            var waiting = Enumerable.Range(0, 60)
                .Select(i => Task.Run(async () => await clients[i % clients.Length].WaitForReadyAsync(success.TaskId, cts.Token)))
                .ToList();

            await Worker.StoreAsync([success]);
            var metas = await Task.WhenAll(waiting).WaitAsync(Timeout);

            metas.Should().HaveCount(60).And.OnlyContain(m => Json(m) == Json(success));
        }
        finally
        {
            foreach (var other in clients.Skip(1)) await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task Batch_store_wakes_the_waiters_of_every_task_in_it()
    {
        var metas = Enumerable.Range(0, 20).Select(_ => ComplianceResults.Success(ComplianceResults.NewId())).ToList();
        using var cts = new CancellationTokenSource(Timeout);
        var waiting = metas.Select(m => Backend.WaitForReadyAsync(m.TaskId, cts.Token).AsTask()).ToList();

        await Worker.StoreAsync(metas);
        var woken = await Task.WhenAll(waiting).WaitAsync(Timeout);

        woken.Select(m => m.TaskId).Should().Equal(metas.Select(m => m.TaskId));
        woken.Should().OnlyContain(m => m.Status == TaskStates.Success);
    }
}
