using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>
/// The staged-shutdown test: a busy acks-late worker is stopped through the warm, soft and
/// cold stages; afterwards every message is either done (result stored) or back in the queue —
/// none lost, none duplicated (docs/protocol.md §5.2).
/// </summary>
public sealed class StagedShutdownTests : IAsyncLifetime
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private readonly VirtualClock _clock = new();
    private readonly Gate _coldRelease = new();
    private readonly TestHarness _h;

    public StagedShutdownTests() => _h = TestHarness.Create(o =>
    {
        o.TimeProvider = _clock;
        o.AcksLate = true;
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _coldRelease.Open();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task A_busy_acks_late_worker_stopped_in_stages_loses_and_duplicates_no_message()
    {
        var warmRelease = new Gate();
        Type? softThrown = null;
        var warm = _h.App.Task("stop.warm", async () => { await warmRelease.WaitAsync(); return "warm"; });
        var softReturns = _h.App.Task("stop.soft-returns", async (CancellationToken ct) =>
        {
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { /* cleans up and ends normally */ }
            return "soft";
        });
        var softStops = _h.App.Task("stop.soft-stops", async (TaskContext ctx) =>
        {
            try { await Task.Delay(Timeout.Infinite, ctx.Cancellation); }
            catch (OperationCanceledException)
            {
                try { ctx.ThrowIfCancellationRequested(); }
                catch (Exception ex) { softThrown = ex.GetType(); throw; }
            }
        });
        var cold = _h.App.Task("stop.cold", async () => { await _coldRelease.Task; return "cold"; }); // ignores cancellation
        var quick = _h.App.Task("stop.quick", (int n) => n);
        var limited = _h.App.Task("stop.limited", (int n) => n, o => o.RateLimit = "1/m");
        var (worker, signals) = await _h.StartWorkerAsync(w =>
        {
            w.Concurrency = 5;
            w.ShutdownTimeout = Short;
            w.CancelGracePeriod = Short;
        });

        // Five running: two finish in the warm stage, two react to cancellation in the soft stage, one is abandoned cold.
        var running = new List<AsyncResult>
        {
            await warm.DelayAsync(), await warm.DelayAsync(),
            await softReturns.DelayAsync(), await softStops.DelayAsync(),
            await cold.DelayAsync(),
        };
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Started, 5, "Started");

        // Behind them: reserved (no free slot), parked for an ETA, and waiting for rate-limit tokens.
        var waiting = new List<AsyncResult>();
        for (var i = 0; i < 3; i++) waiting.Add(await quick.DelayAsync(i));
        for (var i = 0; i < 2; i++) waiting.Add(await quick.ApplyAsync(10 + i, options: new TaskSendOptions { Countdown = TimeSpan.FromHours(1) }));
        for (var i = 0; i < 3; i++) waiting.Add(await limited.DelayAsync(20 + i));
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, 13, "Received");
        await Until.TrueAsync(() => worker.Scheduled == 2, "two ETA tasks are parked");
        _h.Broker.Depth("celery").Should().Be(0, "the worker holds every message");

        var stopping = worker.StopAsync();
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Restored, waiting.Count, "Restored (waiting ones)");
        warmRelease.Open();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        var all = running.Concat(waiting).Select(r => r.Id).ToList();
        var done = new List<string>();
        foreach (var id in all)
            if ((await _h.StoredAsync(id)).Status != TaskStates.Pending) done.Add(id);
        var queued = (await _h.DrainAsync("celery")).Select(m => m.Message.Id).ToList();

        queued.Should().OnlyHaveUniqueItems("nothing is duplicated in the queue");
        done.Should().NotIntersectWith(queued, "a message that was completed must not also be back in the queue");
        done.Concat(queued).Should().BeEquivalentTo(all, "no message is lost");

        done.Should().BeEquivalentTo([running[0].Id, running[1].Id, running[2].Id]);
        (await _h.StoredAsync(running[2].Id)).Result!.GetValue<string>().Should().Be("soft");
        queued.Should().BeEquivalentTo(waiting.Select(r => r.Id).Append(running[3].Id).Append(running[4].Id));
        softThrown.Should().Be<OperationCanceledException>("a shutdown is not a soft time limit");
        signals.Of(WorkerSignalKind.Stopped).Should().HaveCount(1);
    }
}
