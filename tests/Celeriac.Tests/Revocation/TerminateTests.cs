using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests.Revocation;

/// <summary>
/// <c>revoke</c> with <c>terminate</c> (docs/protocol.md §5.7): the running task's token is cancelled, it is
/// stored REVOKED <c>TaskRevokedError("terminated")</c> and its message acked (never redelivered); a
/// body that ignores its token is abandoned after the grace period and its slot freed.
/// </summary>
public sealed class TerminateTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();
    private readonly Gate _started = new();
    private readonly Gate _bodyEnded = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static JsonObject Args(string id, string? signal = "SIGTERM") => new() { ["task_id"] = id, ["terminate"] = true, ["signal"] = signal };

    [Fact]
    public async Task A_running_task_that_honours_its_token_is_cancelled_stored_REVOKED_terminated_and_its_message_acked()
    {
        var cancelled = false;
        var task = _h.App.Task("term.honours", async (CancellationToken token) =>
        {
            _started.Open();
            try { await Task.Delay(Timeout.Infinite, token); }
            catch (OperationCanceledException) { cancelled = true; throw; }
        }, o => o.AcksLate = true);
        var quick = _h.App.Task("term.quick", () => 1);
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);
        var r = await task.DelayAsync();
        await _started.WaitAsync();

        var reply = await worker.RevokeCommandAsync(Args(r.Id), terminate: true, CancellationToken.None);

        reply!.ToJsonString().Should().Be(new JsonObject { ["ok"] = $"terminate: {r.Id}" }.ToJsonString());
        var done = await signals.CompletedAsync(r.Id);
        done.State.Should().Be(TaskStates.Revoked);
        done.Reason.Should().Be("terminated");
        var meta = await _h.StoredAsync(r.Id);
        meta.Exception!.Type.Should().Be("TaskRevokedError");
        meta.Exception.Message.Should().Be("terminated");
        await Until.TrueAsync(() => cancelled, "the body saw its token cancelled");
        worker.RevokedIds.Should().Contain(r.Id);

        // The slot is free again, and the acks-late message is gone for good: nothing to restore at stop.
        var next = await quick.DelayAsync();
        (await signals.CompletedAsync(next.Id)).State.Should().Be(TaskStates.Success);
        await worker.StopAsync();
        _h.Broker.Depth("celery").Should().Be(0);
        signals.Of(WorkerSignalKind.Restored).Should().BeEmpty();
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Revoked, "the body's late end changes nothing");
    }

    [Fact]
    public async Task A_running_task_that_ignores_its_token_is_abandoned_after_the_grace_period_and_its_slot_freed()
    {
        var task = _h.App.Task("term.ignores", async () =>
        {
            _started.Open();
            await _bodyEnded.Task; // never looks at its token
            return 1;
        });
        var quick = _h.App.Task("term.quick2", () => 2);
        var (worker, signals) = await _h.StartWorkerAsync(w =>
        {
            w.Concurrency = 1;
            w.CancelGracePeriod = TimeSpan.FromMilliseconds(200);
        });
        var r = await task.DelayAsync();
        await _started.WaitAsync();

        var reply = await worker.RevokeCommandAsync(Args(r.Id, "KILL"), terminate: true, CancellationToken.None);

        reply!["ok"]!.GetValue<string>().Should().Be($"terminate: {r.Id}");
        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Revoked);
        // One slot: the next task runs only once the ignoring body is abandoned.
        var next = await quick.DelayAsync();
        (await signals.CompletedAsync(next.Id)).State.Should().Be(TaskStates.Success);
        worker.Active.Should().Be(0);
        _bodyEnded.Open();
        await Until.QuietWindowAsync();
        (await _h.StoredAsync(r.Id)).Exception!.Message.Should().Be("terminated");
    }

    [Fact]
    public async Task Terminate_of_ids_not_running_here_replies_tasks_unknown_and_still_revokes_them()
    {
        var (worker, _) = await _h.StartWorkerAsync();

        var reply = await worker.RevokeCommandAsync(Args("nowhere"), terminate: true, CancellationToken.None);

        reply!.ToJsonString().Should().Be("""{"ok":"terminate: tasks unknown"}""");
        worker.RevokedIds.Should().Equal("nowhere");
    }

    [Fact]
    public async Task An_unknown_signal_name_gets_an_error_reply_and_the_ids_are_revoked_anyway()
    {
        var (worker, _) = await _h.StartWorkerAsync();

        var reply = await worker.RevokeCommandAsync(Args("x1", "SIGNOPE"), terminate: true, CancellationToken.None);

        reply!["error"]!.GetValue<string>().Should().Contain("SIGNOPE");
        worker.RevokedIds.Should().Equal("x1");
    }

    [Theory]
    [InlineData(null, 15)]
    [InlineData("SIGTERM", 15)]
    [InlineData("TERM", 15)]
    [InlineData("KILL", 9)]
    [InlineData("sigkill", 9)]
    [InlineData("SIGINT", 2)]
    [InlineData("SIGUSR1", 10)]
    [InlineData("9", 9)]
    public void Signal_names_map_to_Linux_numbers_as_Celerys_signum(string? name, int number)
    {
        Celeriac.Revocation.SignalNumbers.TryParse(name, out var n).Should().BeTrue();
        n.Should().Be(number);
    }
}
