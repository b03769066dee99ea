using Celeriac.Dashboard.Fleet;
using Celeriac.Dashboard.Store;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Fleet;

/// <summary>/metrics in Prometheus' text format with Flower's names, and /healthcheck.</summary>
[Collection(FleetCollection.Name)]
public sealed class MetricsApiTests(FleetCluster cluster)
{
    [RedisFact]
    public async Task Metrics_carry_flowers_worker_gauges_and_healthcheck_says_OK()
    {
        await cluster.Store.WriteAsync(new DashboardBatch
        {
            Workers = [new WorkerUpdate("metrics@host", DateTimeOffset.UtcNow, true) { Frequency = 2, Active = 3 }],
        });

        using var response = await cluster.Http.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();
        var health = await cluster.Http.GetStringAsync("healthcheck");

        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        text.Should().Contain("# TYPE flower_worker_online gauge\n");
        text.Should().Contain("flower_worker_online{worker=\"metrics@host\"} 1\n");
        text.Should().Contain("flower_worker_number_of_currently_executing_tasks{worker=\"metrics@host\"} 3\n");
        text.Should().Contain("# TYPE flower_task_runtime_seconds histogram\n");
        health.Should().Be("OK");
    }

    [Fact]
    public async Task The_runtime_histogram_adds_each_completed_minute_once()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 1, 1, 12, 0, 30, TimeSpan.Zero));
        var store = new CountingStore();
        var histogram = new RuntimeHistogram(time);

        var first = await histogram.ReadAsync(store, CancellationToken.None);
        time.Now = time.Now.AddMinutes(2);
        var second = await histogram.ReadAsync(store, CancellationToken.None);
        var again = await histogram.ReadAsync(store, CancellationToken.None);

        first.Should().BeEmpty("nothing completed since the start");
        second["t"].Counts.Sum().Should().Be(2, "the minutes 12:00 and 12:01, one run each");
        again["t"].Counts.Sum().Should().Be(2, "a minute is added once");
        store.Reads.Should().Equal((new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 1, 12, 2, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Prometheus_text_escapes_labels_and_writes_infinity()
    {
        var text = new PrometheusText();
        text.Sample("m", double.PositiveInfinity, ("task", "a\"b\\c\nd"));

        text.ToString().Should().Be("m{task=\"a\\\"b\\\\c\\nd\"} +Inf\n");
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A store with one one-run rollup per minute asked for, recording the ranges read.</summary>
    private sealed class CountingStore : IDashboardStore
    {
        public List<(DateTimeOffset, DateTimeOffset)> Reads { get; } = [];

        public Task<IReadOnlyList<MinuteRollup>> GetRollupsAsync(DateTimeOffset from, DateTimeOffset to, string? taskName = null, CancellationToken cancellationToken = default)
        {
            Reads.Add((from, to));
            var rollups = new List<MinuteRollup>();
            for (var minute = from; minute < to; minute = minute.AddMinutes(1))
            {
                var counts = new long[RuntimeBuckets.UpperBounds.Count];
                counts[0] = 1;
                rollups.Add(new MinuteRollup(minute, "t", 1, 0, 0, 0.001, counts));
            }
            return Task.FromResult<IReadOnlyList<MinuteRollup>>(rollups);
        }

        public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task WriteAsync(DashboardBatch batch, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<TaskPage> QueryTasksAsync(TaskQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<TaskDetail?> GetTaskAsync(string taskId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<TaskRecord>> GetWorkflowAsync(string rootId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<WorkerRecord>> GetWorkersAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<long> PruneAsync(RetentionPolicy policy, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
