using Celeriac.Diagnostics;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Diagnostics;

/// <summary>The <c>celeriac.worker.*</c> gauges read the running worker: a running task, one waiting for the slot, an ETA-parked one, the prefetch limit.</summary>
public sealed class WorkerGaugeTests : IAsyncLifetime
{
    private readonly MeterScope _meters = new();
    private readonly TestHarness _h;

    public WorkerGaugeTests() => _h = TestHarness.Create(o => o.MeterFactory = _meters.Factory);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _meters.Dispose();
    }

    private int Read(string gauge, string hostname)
    {
        using var collector = _meters.Collect<int>(gauge);
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot().Where(m => m.Tags[CeleriacMetrics.Hostname] as string == hostname).Should().ContainSingle().Subject.Value;
    }

    [Fact]
    public async Task Gauges_show_the_running_the_waiting_and_the_eta_parked_task_and_the_prefetch_limit()
    {
        var gate = new Gate();
        var slow = _h.App.Task("g.slow", () => { gate.Wait(); return 1; });
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 1; w.PrefetchMultiplier = 4; });

        var running = await slow.DelayAsync();
        await signals.WaitForAsync(Worker.WorkerSignalKind.Started, running.Id);
        var waiting = await slow.DelayAsync();
        var parked = await slow.ApplyAsync(options: new TaskSendOptions { Countdown = TimeSpan.FromHours(1) });
        await Until.TrueAsync(() => worker.Scheduled == 1 && worker.ReservedCount == 1, "one task parked for its ETA, one waiting for the slot");

        Read("celeriac.worker.active", worker.Hostname).Should().Be(1);
        Read("celeriac.worker.reserved", worker.Hostname).Should().Be(1);
        Read("celeriac.worker.scheduled", worker.Hostname).Should().Be(1);
        Read("celeriac.worker.prefetch", worker.Hostname).Should().Be(4);

        gate.Open();
        await signals.CompletedAsync(waiting.Id);
        Read("celeriac.worker.active", worker.Hostname).Should().Be(0);
        Read("celeriac.worker.reserved", worker.Hostname).Should().Be(0);
        Read("celeriac.worker.scheduled", worker.Hostname).Should().Be(1, $"{parked.Id} waits for its ETA");

        await worker.StopAsync();
        using var after = _meters.Collect<int>("celeriac.worker.active");
        after.RecordObservableInstruments();
        after.GetMeasurementSnapshot().Should().BeEmpty("a stopped worker no longer reports");
    }

    [Fact]
    public async Task Two_workers_of_one_app_report_apart_by_node_name()
    {
        var (a, _) = await _h.StartWorkerAsync(w => { w.Hostname = "a@test"; w.Concurrency = 1; w.PrefetchMultiplier = 2; });
        var (b, _) = await _h.StartWorkerAsync(w => { w.Hostname = "b@test"; w.Concurrency = 3; w.PrefetchMultiplier = 2; });

        Read("celeriac.worker.prefetch", a.Hostname).Should().Be(2);
        Read("celeriac.worker.prefetch", b.Hostname).Should().Be(6);
    }
}
