using System.Text.Json.Nodes;
using Celeriac;
using Celeriac.Beat;
using Celeriac.Exceptions;
using Celeriac.Hosting;

namespace DashboardDemo;

/// <summary>The demo's tasks (plain names, so a Python worker could serve them too) and its beat entries.</summary>
internal static class DemoTasks
{
    /// <summary>The second queue, so the queues page has more than one row.</summary>
    public const string ImagesQueue = "images";

    public static CeleriacBuilder AddTasks(this CeleriacBuilder builder) => builder
        .AddTask("demo.add", (int x, int y) => x + y)
        .AddTask("demo.sum", (int[] numbers) => numbers.Sum())
        .AddTask("demo.double", (int x) => x * 2)
        .AddTask("demo.notify", (int total) => $"notified: total {total}")
        .AddTask("demo.resize_image", async (string path, int width, CancellationToken ct) =>
        {
            await Task.Delay(50 + width % 200, ct);
            if (width <= 0) throw new CeleryException("ValueError", "builtins", $"invalid width {width} for {path}");
            return width / 4;
        }, t => t.Queue = ImagesQueue)
        .AddTask("demo.process_order", async (string orderId, JsonObject order, CancellationToken ct) =>
        {
            await Task.Delay(100 + orderId.Length * 20, ct);
            var lines = order["lines"]?.AsArray().Count ?? 0;
            if (orderId.EndsWith('7')) throw new InvalidOperationException($"order {orderId}: card declined by the payment gateway (code 51, insufficient funds)");
            return new JsonObject { ["order"] = orderId, ["lines"] = lines, ["status"] = "paid" };
        })
        .AddTask("demo.flaky", (int attempt, TaskContext context) =>
        {
            // Fails its first two runs, then succeeds: the detail page shows the RETRY steps in its timeline.
            if (context.Retries < 2) throw context.Retry(new TimeoutException($"upstream timed out (attempt {attempt}, try {context.Retries + 1})"), countdown: TimeSpan.FromSeconds(2));
            return $"ok after {context.Retries} retries";
        })
        .AddTask("demo.slow", async (int seconds, CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
            return seconds;
        })
        .AddTask("demo.cleanup", () => "removed 0 expired sessions")
        .AddTask("demo.report", (string kind) => $"{kind} report sent");

    /// <summary>Two periodic entries: one every 30 seconds, one on a crontab.</summary>
    public static IList<BeatEntry> BeatEntries() =>
    [
        new() { Name = "cleanup-sessions", Task = "demo.cleanup", Schedule = BeatSchedule.Every(TimeSpan.FromSeconds(30)) },
        new() { Name = "hourly-report", Task = "demo.report", Schedule = BeatSchedule.Crontab(minute: "0"), Args = ["sales"] },
    ];
}
