using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.TestSupport;
using Celeriac.Tests.Support;
using Celeriac.Transport;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>Expiry (docs/protocol.md §5.4): checked on receipt and right before running; expired ⇒ REVOKED, not run, acked.</summary>
public sealed class ExpiryTests : IAsyncLifetime
{
    // Microseconds in the start time, so date_done has them as in the vector (Python drops a zero fraction).
    private readonly VirtualClock _clock = new(new DateTimeOffset(2030, 1, 1, 5, 45, 1, TimeSpan.Zero).AddTicks(9_301_460));
    private readonly TestHarness _h;
    private RecordingTransport _transport = null!;
    private int _runs;

    public ExpiryTests()
    {
        _h = TestHarness.Create(o =>
        {
            o.TimeProvider = _clock;
            RecordingTransport.Install(o, t => _transport = t);
        });
        _ = _h.App.Transport; // created now, so _transport is set
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_python_message_expired_at_send_is_stored_REVOKED_like_the_vector_never_run_and_acked()
    {
        // The message a Python client sent with expires 30 s in the past (vector task_v2_expired_at_send).
        _h.App.Task("tasks.add", (int x, int y) => { Interlocked.Increment(ref _runs); return x + y; });
        var sent = Vector("task_v2_expired_at_send")["messages"]![0]!["raw"]!.GetValue<string>();
        var message = KombuEnvelope.Decode(Encoding.UTF8.GetBytes(sent)).Message;
        var id = message.Headers["id"]!.GetValue<string>();
        await _h.App.Transport.PublishAsync(message, DeliveryInfo.ToQueue("celery"));
        var (_, signals) = await _h.StartWorkerAsync();

        var done = await signals.CompletedAsync(id);

        done.State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);
        _transport.For(id).Should().Equal(SettleAction.Ack);
        _h.Broker.DeadLetters.Should().BeEmpty();
        _h.Broker.Depth("celery").Should().Be(0);
        signals.Of(WorkerSignalKind.Started).Should().BeEmpty();

        // What the Python worker stored for it (vector result_revoked_expired), but for date_done: our clock's now.
        var expected = (JsonObject)Vector("result_revoked_expired")["result"]!["decoded"]!.DeepClone();
        expected["date_done"] = "2030-01-01T05:45:01.930146";
        var stored = (await _h.StoredAsync(id)).ToJson();
        stored.ToJsonString().Should().Be(expected.ToJsonString());
    }

    [Fact]
    public async Task A_task_whose_expiry_passes_while_it_waits_for_its_eta_is_revoked_when_due_and_never_run()
    {
        var task = _h.App.Task("exp.eta", () => Interlocked.Increment(ref _runs));
        var (worker, signals) = await _h.StartWorkerAsync();

        var r = await task.ApplyAsync(options: new TaskSendOptions { Countdown = TimeSpan.FromSeconds(60), ExpiresIn = TimeSpan.FromSeconds(30) });
        await Until.TrueAsync(() => worker.Scheduled == 1, "the task is parked for its ETA");
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Pending, "it had not expired when received");

        _clock.Advance(TimeSpan.FromSeconds(60));
        var done = await signals.CompletedAsync(r.Id);

        done.State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);
        var meta = await _h.StoredAsync(r.Id);
        meta.Exception!.Type.Should().Be("TaskRevokedError");
        meta.Exception.Module.Should().Be("celery.exceptions");
        meta.Result!["exc_message"]!.ToJsonString().Should().Be("""["expired"]""");
        meta.DateDone.Should().Be(_clock.GetUtcNow().UtcDateTime);
        _transport.For(r.Id).Should().Equal(SettleAction.Ack);
    }

    [Fact]
    public async Task A_reserved_task_that_expires_while_waiting_for_a_slot_is_revoked_before_it_runs()
    {
        var release = new Gate();
        var busy = _h.App.Task("exp.busy", async () => { await release.WaitAsync(); return 1; });
        var late = _h.App.Task("exp.late", () => Interlocked.Increment(ref _runs));
        var (_, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        var first = await busy.DelayAsync();
        await signals.WaitForAsync(WorkerSignalKind.Started, first.Id);
        var second = await late.ApplyAsync(options: new TaskSendOptions { ExpiresIn = TimeSpan.FromSeconds(10) });
        await signals.WaitForAsync(WorkerSignalKind.Received, second.Id);
        _clock.Advance(TimeSpan.FromSeconds(11));
        release.Open();

        (await signals.CompletedAsync(second.Id)).State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);
        (await _h.StoredAsync(first.Id)).Status.Should().Be(TaskStates.Success);
        _transport.For(second.Id).Should().Equal(SettleAction.Ack);
    }

    [Fact]
    public async Task An_expired_task_that_ignores_results_stores_nothing_and_still_does_not_run()
    {
        var task = _h.App.Task("exp.ignored", () => Interlocked.Increment(ref _runs), o => o.IgnoreResult = true);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.ApplyAsync(options: new TaskSendOptions { Expires = _clock.GetUtcNow().AddSeconds(-1) });
        var done = await signals.CompletedAsync(r.Id);

        done.State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Pending);
        Memory.InMemoryResultStore.Named(_h.Name).Count.Should().Be(0);
        _transport.For(r.Id).Should().Equal(SettleAction.Ack);
    }

    [Fact]
    public async Task A_task_not_yet_expired_runs_normally()
    {
        var task = _h.App.Task("exp.fresh", () => Interlocked.Increment(ref _runs));
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.ApplyAsync(options: new TaskSendOptions { ExpiresIn = TimeSpan.FromSeconds(1) });

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Success);
        _runs.Should().Be(1);
    }

    private static JsonObject Vector(string name) => GoldenVectors.Load(name);
}
