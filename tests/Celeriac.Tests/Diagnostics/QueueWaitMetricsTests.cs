using Celeriac.Diagnostics;
using Celeriac.Testing;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests.Diagnostics;

/// <summary>
/// <c>celeriac.task.queue_wait</c> on a virtual clock: measured from the <c>celeriac_sent_at</c> stamp
/// (or the ETA, when later); the stamp is written only while the histogram has a listener, and a
/// message without it and without an ETA (a Python producer's) is not measured at all.
/// </summary>
public sealed class QueueWaitMetricsTests : IAsyncLifetime
{
    private readonly MeterScope _meters = new();
    private readonly VirtualClock _clock = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly TestHarness _h;

    public QueueWaitMetricsTests() => _h = TestHarness.Create(o =>
    {
        o.MeterFactory = _meters.Factory;
        o.TimeProvider = _clock;
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _meters.Dispose();
    }

    [Fact]
    public async Task The_wait_is_the_time_from_send_to_start()
    {
        using var wait = _meters.Collect<double>("celeriac.task.queue_wait");
        var task = _h.App.Task("qw.plain", () => 1);

        var r = await task.DelayAsync();
        _clock.Advance(TimeSpan.FromSeconds(5)); // five seconds in the queue before any worker takes it
        var (_, signals) = await _h.StartWorkerAsync();
        await signals.CompletedAsync(r.Id);

        var m = wait.GetMeasurementSnapshot().Should().ContainSingle().Subject;
        m.Value.Should().BeApproximately(5.0, 0.001);
        m.Tags[CeleriacMetrics.TaskName].Should().Be("qw.plain");
        m.Tags[CeleriacMetrics.Destination].Should().Be("celery");
    }

    [Fact]
    public async Task An_eta_task_waits_from_its_eta_not_from_its_send()
    {
        using var wait = _meters.Collect<double>("celeriac.task.queue_wait");
        var task = _h.App.Task("qw.eta", () => 1);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.ApplyAsync(options: new TaskSendOptions { Countdown = TimeSpan.FromSeconds(60) });
        await signals.WaitForAsync(WorkerSignalKind.Received, r.Id);
        await _clock.WaitForTimersAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(60));
        await signals.CompletedAsync(r.Id);

        wait.GetMeasurementSnapshot().Should().ContainSingle().Which.Value.Should().BeInRange(0, 0.001, "it ran the moment its ETA came");
    }

    [Fact]
    public async Task The_stamp_is_written_only_while_the_histogram_has_a_listener()
    {
        var task = _h.App.Task("qw.header", () => 1);
        await task.DelayAsync();
        using (_meters.Collect<double>("celeriac.task.queue_wait")) await task.DelayAsync();
        using (_meters.Collect<long>("celeriac.task.sent")) await task.DelayAsync(); // another instrument's listener: no stamp

        var messages = await _h.DrainAsync("celery");
        messages.Select(m => m.Message.ExtraHeaders.ContainsKey(QueueWait.Header)).Should().Equal(false, true, false);
        messages[1].Message.ExtraHeaders[QueueWait.Header]!.GetValue<double>().Should().Be(_clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
    }

    [Fact]
    public async Task A_message_without_the_stamp_or_an_eta_is_not_measured_but_still_counted()
    {
        using var wait = _meters.Collect<double>("celeriac.task.queue_wait");
        using var received = _meters.Collect<long>("celeriac.task.received");
        _h.App.Task("qw.foreign", () => 1);
        // Another producer on the same broker that nobody measures, as a Python client: no stamp.
        await using var producer = CeleriacApp.Create(o => { o.BrokerUrl = $"memory://{_h.Name}"; o.TimeProvider = _clock; });
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await producer.SendTaskAsync("qw.foreign");
        await signals.CompletedAsync(r.Id);

        received.GetMeasurementSnapshot().Should().ContainSingle();
        wait.GetMeasurementSnapshot().Should().BeEmpty("there is nothing truthful to measure from");
    }
}
