using Celeriac.Dashboard.Fleet;
using Celeriac.Dashboard.Store;
using Celeriac.Dashboard.Tests.Infrastructure;
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
        var start = new DateTimeOffset(2026, 1, 1, 12, 0, 30, TimeSpan.Zero);
        var time = new ManualClock(start);
        var file = Path.Combine(Path.GetTempPath(), $"celeriac-histogram-{Guid.NewGuid():N}.db");
        await using var store = new SqliteDashboardStore(file);
        await store.InitializeAsync();
        var histogram = new RuntimeHistogram(time);
        await store.WriteAsync(new DashboardBatch { Tasks = [Finished("h1", start), Finished("h2", start.AddMinutes(1))] });

        var first = await histogram.ReadAsync(store, CancellationToken.None);
        time.Now = start.AddMinutes(2);
        var second = await histogram.ReadAsync(store, CancellationToken.None);
        var again = await histogram.ReadAsync(store, CancellationToken.None);
        await store.WriteAsync(new DashboardBatch { Tasks = [Finished("h3", start.AddMinutes(2))] });
        time.Now = start.AddMinutes(3);
        var third = await histogram.ReadAsync(store, CancellationToken.None);

        first.Should().BeEmpty("no minute completed since the start");
        second["t"].Counts.Sum().Should().Be(2, "the minutes 12:00 (the one it started in) and 12:01 completed");
        again["t"].Counts.Sum().Should().Be(2, "a minute is added once");
        third["t"].Counts.Sum().Should().Be(3);
        third["t"].Sum.Should().BeApproximately(0.3, 1e-9);
    }

    private static TaskEvent Finished(string id, DateTimeOffset at) => new(id, "SUCCESS", at) { Name = "t", Runtime = 0.1 };

    [Fact]
    public void Prometheus_text_escapes_labels_and_writes_infinity()
    {
        var text = new PrometheusText();
        text.Sample("m", double.PositiveInfinity, ("task", "a\"b\\c\nd"));

        text.ToString().Should().Be("m{task=\"a\\\"b\\\\c\\nd\"} +Inf\n");
    }
}
