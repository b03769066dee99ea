using System.Diagnostics;
using Celeriac.Redis.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace Celeriac.Samples.Tests.WebShopTests;

/// <summary>
/// The shop's telemetry across the two hosts: one trace from the HTTP request through Redis into the
/// worker host's runs, Celeriac's instruments, and the Prometheus scrape.
/// </summary>
[Collection(WebShopCollection.Name)]
public sealed class WebShopTelemetryTests(WebShopCluster cluster)
{
    private const string ProcessOrder = "orders.process";

    [RedisFact]
    public async Task The_request_trace_holds_the_producer_span_and_the_worker_hosts_consumer_spans()
    {
        var id = await cluster.Shop.PlaceOrderAsync();
        (await cluster.Shop.WaitUntilReadyAsync($"/orders/{id}"))["state"]!.GetValue<string>().Should().Be("SUCCESS");

        // Web app: the server span of POST /orders, and the producer span under it.
        var producer = await Poll.UntilAsync(() => cluster.WebSpans.Snapshot().FirstOrDefault(s =>
            s.Kind == ActivityKind.Producer && Tag(s, "messaging.message.id") == id && s.Parent is not null),
            s => s is not null, "producer span");
        var request = cluster.WebSpans.Snapshot().Single(s => s.SpanId == producer!.ParentSpanId);
        request.Kind.Should().Be(ActivityKind.Server);
        request.GetTagItem("http.route").Should().Be("/orders");
        producer!.DisplayName.Should().Be($"apply_async/{ProcessOrder}");
        Tag(producer, "messaging.system").Should().Be("redis");
        Tag(producer, "messaging.operation.type").Should().Be("send");
        Tag(producer, "messaging.destination.name").Should().Be("celery");

        // Worker host: three runs (two retries), all in the request's trace; the first is the producer's child.
        var runs = await Poll.UntilAsync(() => cluster.WorkerSpans.Snapshot()
                .Where(s => s.Kind == ActivityKind.Consumer && Tag(s, "messaging.message.id") == id).ToList(),
            r => r.Count == 3, "consumer spans of the three runs");
        runs.Should().OnlyContain(s => s.DisplayName == $"run/{ProcessOrder}" && s.TraceId == request.TraceId);
        runs.Should().OnlyContain(s => Tag(s, "celery.hostname") == WebShopCluster.WorkerHostname && Tag(s, "messaging.operation.type") == "process");
        var first = runs.Single(s => Equals(s.GetTagItem("celery.retries"), 0) || Tag(s, "celery.retries") == "0");
        first.ParentSpanId.Should().Be(producer.SpanId);
        runs.Select(s => Tag(s, "celery.state")).Should().BeEquivalentTo("RETRY", "RETRY", "SUCCESS");
    }

    [RedisFact]
    public async Task Celeriac_counts_the_sends_retries_and_successes_of_orders_process_and_times_its_runs()
    {
        var before = Read(cluster.WorkerMetricsNow());
        var id = await cluster.Shop.PlaceOrderAsync();
        (await cluster.Shop.WaitUntilReadyAsync($"/orders/{id}"))["state"]!.GetValue<string>().Should().Be("SUCCESS");

        // Sent: the web app's send plus the worker's two retry sends; counted when each is recorded, so poll.
        var after = await Poll.UntilAsync(() => Read(cluster.WorkerMetricsNow()),
            m => m.Succeeded - before.Succeeded >= 1 && m.Runs - before.Runs >= 3, "metrics of the order");
        (after.Sent - before.Sent).Should().Be(3);
        (after.Received - before.Received).Should().Be(3);
        (after.Retried - before.Retried).Should().Be(2);
        (after.Succeeded - before.Succeeded).Should().Be(1);
        (after.Runs - before.Runs).Should().Be(3, "celeriac.task.duration records every run");
    }

    [RedisFact]
    public async Task The_Prometheus_scrape_of_both_hosts_returns_celeriac_metrics()
    {
        var id = await cluster.Shop.PlaceOrderAsync();
        await cluster.Shop.WaitUntilReadyAsync($"/orders/{id}");
        using var worker = cluster.Worker.CreateClient();

        var web = await cluster.Shop.Http.GetStringAsync("/metrics");
        var work = await worker.GetStringAsync("/metrics");

        web.Should().Contain("celeriac_task_sent_total{").And.Contain("celery_task_name=\"orders.process\"");
        work.Should().Contain("celeriac_task_succeeded_total{").And.Contain("celeriac_task_duration_seconds_bucket{")
            .And.Contain("celeriac_worker_prefetch{");
    }

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    private static OrderMetrics Read(List<MetricSnapshot> export) => new(
        Sum(export, "celeriac.task.sent"), Sum(export, "celeriac.task.received"), Sum(export, "celeriac.task.retried"),
        Sum(export, "celeriac.task.succeeded"), HistogramCount(export, "celeriac.task.duration"));

    // One export may hold a metric more than once (one per meter named Celeriac: each host has its own).
    private static long Sum(List<MetricSnapshot> export, string name) =>
        PointsOf(export, name).Sum(p => p.GetSumLong());

    private static long HistogramCount(List<MetricSnapshot> export, string name) =>
        PointsOf(export, name).Sum(p => p.GetHistogramCount());

    private static IEnumerable<MetricPoint> PointsOf(List<MetricSnapshot> export, string name) =>
        export.Where(m => m.Name == name).SelectMany(m => m.MetricPoints).Where(IsProcessOrder);

    private static bool IsProcessOrder(MetricPoint point)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == "celery.task_name") return Equals(tag.Value, ProcessOrder);
        return false;
    }

    private sealed record OrderMetrics(long Sent, long Received, long Retried, long Succeeded, long Runs);
}
