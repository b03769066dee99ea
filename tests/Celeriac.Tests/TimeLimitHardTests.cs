using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Transport;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>Hard time limit (docs/protocol.md §5.8, §5.2): FAILURE TimeLimitExceeded, slot freed, message settled per the acks policy.</summary>
public sealed class TimeLimitHardTests : IAsyncLifetime
{
    private static readonly TimeSpan Five = TimeSpan.FromSeconds(5);
    private readonly VirtualClock _clock = new();
    private readonly List<Gate> _blocked = [];
    private RecordingTransport _transport = null!;
    private TestHarness _h = null!;

    public Task InitializeAsync() => UseAsync();

    public async Task DisposeAsync()
    {
        foreach (var gate in _blocked) gate.Open(); // let abandoned bodies end
        await _h.DisposeAsync();
    }

    private async Task UseAsync(Action<CeleriacOptions>? configure = null)
    {
        if (_h is not null) await _h.DisposeAsync();
        _h = TestHarness.Create(o =>
        {
            o.TimeProvider = _clock;
            RecordingTransport.Install(o, t => _transport = t);
            configure?.Invoke(o);
        });
        _ = _h.App.Transport; // created now, so _transport is set
    }

    private Gate NewGate()
    {
        var gate = new Gate();
        _blocked.Add(gate);
        return gate;
    }

    [Fact]
    public async Task Past_the_hard_limit_the_task_fails_TimeLimitExceeded_and_its_slot_runs_the_next_task()
    {
        var entered = new Gate();
        var stuck = NewGate();
        var bodyEnded = false;
        var slow = _h.App.Task("hard.slow", async () =>
        {
            entered.Open();
            await stuck.Task; // ignores its token: only the hard limit can take the slot back
            bodyEnded = true;
        }, o => o.TimeLimit = Five);
        var next = _h.App.Task("hard.next", () => "next ran");
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        var r = await slow.DelayAsync();
        var n = await next.DelayAsync();
        await entered.WaitAsync();
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(4.9));
        worker.Active.Should().Be(1);
        signals.Of(WorkerSignalKind.Completed).Should().BeEmpty();
        _clock.Advance(TimeSpan.FromSeconds(0.1));

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Failure);
        var meta = await _h.StoredAsync(r.Id);
        meta.Exception!.Type.Should().Be("TimeLimitExceeded");
        meta.Exception.Module.Should().Be("billiard.exceptions");
        meta.Result!["exc_message"]!.ToJsonString().Should().Be("[5]");

        (await signals.CompletedAsync(n.Id)).State.Should().Be(TaskStates.Success);
        (await _h.StoredAsync(n.Id)).Result!.GetValue<string>().Should().Be("next ran");
        bodyEnded.Should().BeFalse("the abandoned body is still blocked while the slot ran the next task");
    }

    [Fact]
    public async Task A_synchronous_cpu_bound_body_is_still_cut_at_the_hard_limit()
    {
        var entered = new Gate();
        var stop = NewGate();
        var spin = _h.App.Task("hard.spin", () =>
        {
            entered.Open();
            while (!stop.IsOpen) Thread.SpinWait(1000); // never yields, never looks at a token
            return 1;
        }, o => o.TimeLimit = Five);
        var (_, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        var r = await spin.DelayAsync();
        await entered.WaitAsync();
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(Five);

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Failure);
        (await _h.StoredAsync(r.Id)).Exception!.Type.Should().Be("TimeLimitExceeded");
        stop.IsOpen.Should().BeFalse();
    }

    [Theory]
    [InlineData(true, nameof(SettleAction.Ack))]
    [InlineData(false, nameof(SettleAction.Reject))]
    public async Task With_acks_late_a_timed_out_message_is_acked_or_rejected_per_AcksOnFailureOrTimeout(bool acksOnFailure, string expectedAction)
    {
        var expected = Enum.Parse<SettleAction>(expectedAction); // SettleAction is internal; a public test method cannot take it
        var entered = new Gate();
        var stuck = NewGate();
        var task = _h.App.Task("hard.late", async () => { entered.Open(); await stuck.Task; }, o =>
        {
            o.TimeLimit = Five;
            o.AcksLate = true;
            o.AcksOnFailureOrTimeout = acksOnFailure;
        });
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await _clock.WaitForTimersAsync(1);
        _transport.For(r.Id).Should().BeEmpty();
        _clock.Advance(Five);

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Failure);
        _transport.For(r.Id).Should().Equal(expected);
        _h.Broker.Depth("celery").Should().Be(0, "a timed-out message is never requeued");
        _h.Broker.DeadLetters.Should().HaveCount(acksOnFailure ? 0 : 1);
    }

    [Fact]
    public async Task The_app_wide_AcksOnFailureOrTimeout_false_rejects_a_timed_out_acks_late_message()
    {
        await UseAsync(o => { o.AcksLate = true; o.AcksOnFailureOrTimeout = false; });
        var entered = new Gate();
        var stuck = NewGate();
        var task = _h.App.Task("hard.app-setting", async () => { entered.Open(); await stuck.Task; }, o => o.TimeLimit = Five);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await entered.WaitAsync();
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(Five);

        await signals.CompletedAsync(r.Id);
        _transport.For(r.Id).Should().Equal(SettleAction.Reject);
    }
}
