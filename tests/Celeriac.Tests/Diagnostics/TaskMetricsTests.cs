using Celeriac.Diagnostics;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;
using Celeriac.Worker;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Celeriac.Tests.Diagnostics;

/// <summary>
/// The task counters and histograms of the <c>Celeriac</c> meter on the in-memory broker: each outcome
/// counts once under its task name, queue and state; durations are recorded per task.
/// </summary>
public sealed class TaskMetricsTests : IAsyncLifetime
{
    private readonly MeterScope _meters = new();
    private readonly TestHarness _h;

    public TaskMetricsTests() => _h = TestHarness.Create(o => o.MeterFactory = _meters.Factory);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _meters.Dispose();
    }

    private static IReadOnlyList<CollectedMeasurement<T>> For<T>(MetricCollector<T> collector, string task) where T : struct =>
        collector.GetMeasurementSnapshot().Where(m => m.Tags[CeleriacMetrics.TaskName] as string == task).ToList();

    [Fact]
    public async Task Sent_received_and_succeeded_count_each_task_under_its_name_and_queue()
    {
        using var sent = _meters.Collect<long>("celeriac.task.sent");
        using var received = _meters.Collect<long>("celeriac.task.received");
        using var succeeded = _meters.Collect<long>("celeriac.task.succeeded");
        using var duration = _meters.Collect<double>("celeriac.task.duration");
        using var publish = _meters.Collect<double>("celeriac.publish.duration");
        var add = _h.App.Task("m.add", (int x, int y) => x + y);
        var (_, signals) = await _h.StartWorkerAsync();

        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await add.DelayAsync(i, 1)).Id);
        foreach (var id in ids) await signals.CompletedAsync(id);

        For(sent, "m.add").Should().HaveCount(3).And.OnlyContain(m => m.Value == 1 && (string?)m.Tags[CeleriacMetrics.Destination] == "celery");
        For(received, "m.add").Should().HaveCount(3).And.OnlyContain(m => (string?)m.Tags[CeleriacMetrics.Destination] == "celery");
        For(succeeded, "m.add").Should().HaveCount(3).And.OnlyContain(m => (string?)m.Tags[CeleriacMetrics.State] == TaskStates.Success);
        For(duration, "m.add").Should().HaveCount(3).And.OnlyContain(m => m.Value >= 0 && m.Value < 10);
        For(publish, "m.add").Should().HaveCount(3).And.OnlyContain(m => m.Value > 0 && m.Value < 10);
    }

    [Fact]
    public async Task A_failure_counts_as_failed_with_its_duration_tagged_FAILURE()
    {
        using var failed = _meters.Collect<long>("celeriac.task.failed");
        using var succeeded = _meters.Collect<long>("celeriac.task.succeeded");
        using var duration = _meters.Collect<double>("celeriac.task.duration");
        var boom = _h.App.Task("m.boom", (Func<int>)(() => throw new InvalidOperationException("no")));
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await boom.DelayAsync();
        await signals.CompletedAsync(r.Id);

        For(failed, "m.boom").Should().ContainSingle().Which.Tags[CeleriacMetrics.State].Should().Be(TaskStates.Failure);
        For(succeeded, "m.boom").Should().BeEmpty();
        For(duration, "m.boom").Should().ContainSingle().Which.Tags[CeleriacMetrics.State].Should().Be(TaskStates.Failure);
    }

    [Fact]
    public async Task A_retry_counts_as_retried_then_the_rerun_as_succeeded_and_both_were_sent()
    {
        using var retried = _meters.Collect<long>("celeriac.task.retried");
        using var succeeded = _meters.Collect<long>("celeriac.task.succeeded");
        using var sent = _meters.Collect<long>("celeriac.task.sent");
        var flaky = _h.App.Task("m.flaky", (TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry(countdown: TimeSpan.Zero) : ctx.Retries);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await flaky.DelayAsync();
        // Both ends: the rerun may finish before the first run's slot has recorded its retry.
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Completed && s.TaskId == r.Id && s.State == TaskStates.Success);
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Completed && s.TaskId == r.Id && s.State == TaskStates.Retry);

        For(retried, "m.flaky").Should().ContainSingle().Which.Tags[CeleriacMetrics.State].Should().Be(TaskStates.Retry);
        For(succeeded, "m.flaky").Should().ContainSingle();
        For(sent, "m.flaky").Should().HaveCount(2, "the first send and the retry's");
    }

    [Fact]
    public async Task An_expired_task_counts_as_revoked_with_the_reason_and_is_not_run()
    {
        using var revoked = _meters.Collect<long>("celeriac.task.revoked");
        using var duration = _meters.Collect<double>("celeriac.task.duration");
        var late = _h.App.Task("m.late", () => 1);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await late.ApplyAsync(options: new TaskSendOptions { Expires = DateTimeOffset.UtcNow.AddSeconds(-1) });
        await signals.CompletedAsync(r.Id);

        var m = For(revoked, "m.late").Should().ContainSingle().Subject;
        m.Tags[CeleriacMetrics.State].Should().Be(TaskStates.Revoked);
        m.Tags[CeleriacMetrics.RevokeReason].Should().Be("expired");
        For(duration, "m.late").Should().BeEmpty("it never ran");
    }

    [Fact]
    public async Task Storing_results_and_reading_one_record_backend_durations_by_operation()
    {
        using var backend = _meters.Collect<double>("celeriac.backend.duration");
        var add = _h.App.Task("m.stored", (int x) => x);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await add.DelayAsync(1);
        await signals.CompletedAsync(r.Id);
        await r.RefreshAsync();

        var operations = backend.GetMeasurementSnapshot().Select(m => m.Tags[CeleriacMetrics.Operation]).ToList();
        operations.Should().Contain("store").And.Contain("get");
        backend.GetMeasurementSnapshot().Should().OnlyContain(m => m.Value >= 0 && m.Value < 10);
    }
}
