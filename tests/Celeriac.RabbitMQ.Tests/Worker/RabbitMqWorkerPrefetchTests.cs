using System.Collections.Concurrent;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Worker;

namespace Celeriac.RabbitMQ.Tests.Worker;

/// <summary>
/// The broker's per-consumer prefetch never starves the worker: deliveries parked for an ETA hold
/// broker prefetch but not worker credit, so the consumer raises its prefetch as the worker asks for
/// more (as Celery raises the prefetch per held ETA task).
/// </summary>
public sealed class RabbitMqWorkerPrefetchTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [RabbitMqFact]
    public async Task Tasks_parked_for_an_eta_do_not_keep_later_tasks_from_running()
    {
        var queue = $"eta-{Guid.NewGuid():N}";
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = rabbit.Url;
            o.ResultBackend = $"memory://{queue}";
            o.DefaultQueue = queue;
            o.UseRabbitMq();
        });
        var task = app.Task("prefetch.echo", (int i) => i);
        await using var worker = app.CreateWorker(w => { w.Concurrency = 1; w.PrefetchMultiplier = 1; });
        var completed = new ConcurrentDictionary<string, byte>();
        worker.Signals.Raised += s => { if (s.Kind == WorkerSignalKind.Completed) completed[s.TaskId!] = 0; };
        await worker.StartAsync();

        for (var i = 0; i < 3; i++) await task.ApplyAsync(i, new TaskSendOptions { Countdown = TimeSpan.FromSeconds(30) });
        await UntilAsync(() => worker.Scheduled == 3, "the three ETA tasks are parked in the worker");
        var prompt = new List<string>();
        for (var i = 0; i < 3; i++) prompt.Add((await task.ApplyAsync(10 + i)).Id);

        await UntilAsync(() => prompt.All(completed.ContainsKey), "the tasks without an ETA run while the ETA ones wait");
        worker.Scheduled.Should().Be(3);
    }

    [RabbitMqFact]
    public async Task The_prefetch_raised_for_parked_tasks_comes_down_once_they_ran()
    {
        var queue = $"eta-{Guid.NewGuid():N}";
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = rabbit.Url;
            o.ResultBackend = $"memory://{queue}";
            o.DefaultQueue = queue;
            o.UseRabbitMq();
        });
        var task = app.Task("prefetch.echo", (int i) => i);
        await using var worker = app.CreateWorker(w => { w.Concurrency = 1; w.PrefetchMultiplier = 1; });
        var completed = new ConcurrentDictionary<string, byte>();
        worker.Signals.Raised += s => { if (s.Kind == WorkerSignalKind.Completed) completed[s.TaskId!] = 0; };
        await worker.StartAsync();

        var parked = new List<string>();
        for (var i = 0; i < 12; i++) parked.Add((await task.ApplyAsync(i, new TaskSendOptions { Countdown = TimeSpan.FromSeconds(3) })).Id);
        await UntilAsync(() => worker.Scheduled == 12, "the ETA tasks are parked");
        // Each raise is a new consumer, which counts only its own unacked deliveries: the latest one's
        // prefetch is above the worker's own (1), the parked tasks sit with the cancelled earlier ones.
        (await PrefetchesAsync(queue)).Max().Should().BeGreaterThan(2, "the prefetch was raised for the parked tasks");
        await UntilAsync(() => parked.All(completed.ContainsKey), "the parked tasks run at their ETA");

        var deadline = DateTime.UtcNow + Patience;
        while ((await PrefetchesAsync(queue)).Max() > 2)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the prefetch comes back down to the worker's own");
            await task.ApplyAsync(0); // a receive that finds nothing buffered looks at the prefetch again
            await Task.Delay(100);
        }
    }

    private async Task<List<int>> PrefetchesAsync(string queue) =>
        (await rabbit.Server.ListAsync("consumers", rabbit.VirtualHost, "queue_name", "prefetch_count"))
            .Where(row => row[0] == queue).Select(row => int.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).ToList();

    private static async Task UntilAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, because);
            await Task.Delay(20);
        }
    }
}
