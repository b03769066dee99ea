using System.Collections.Concurrent;
using System.Diagnostics;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Worker;
using Xunit.Abstractions;

namespace Celeriac.RabbitMQ.Tests.Worker;

/// <summary>
/// A Celeriac worker draining 5,000 tasks while its broker crashes and comes back: every task
/// completes, none is lost, duplicates (acks the crash swallowed) are counted and reported, and the
/// worker still consumes afterwards. A private rabbitmq-server, as the test kills it.
/// </summary>
public sealed class RabbitMqBrokerRestartTests(ITestOutputHelper output)
{
    private const int Total = 5000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [RabbitMqFact]
    public async Task A_broker_crash_in_the_middle_of_5000_tasks_loses_none_and_the_worker_consumes_on()
    {
        await using var server = await RabbitMqServer.StartAsync();
        var queue = $"restart-{Guid.NewGuid():N}";
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = server.Url();
            o.ResultBackend = $"memory://{queue}";
            o.DefaultQueue = queue;
            o.UseRabbitMq();
        });
        var runs = new ConcurrentDictionary<int, int>();
        var task = app.Task("restart.work", (int i) => runs.AddOrUpdate(i, 1, (_, n) => n + 1));
        await app.Transport.DeclareQueueAsync(queue);
        for (var i = 0; i < Total; i += 500)
            await Task.WhenAll(Enumerable.Range(i, 500).Select(n => task.ApplyAsync(n)));
        await using var worker = app.CreateWorker(w => w.Concurrency = 4);
        var clock = Stopwatch.StartNew();
        await worker.StartAsync();

        await UntilAsync(() => runs.Count >= Total / 3, "a third of the tasks ran before the crash");
        await server.StopAsync(crash: true);
        var atCrash = runs.Count;
        var down = clock.Elapsed;
        await server.StartAgainAsync();
        output.WriteLine($"broker killed after {atCrash} tasks at {down.TotalSeconds:0.0} s, back at {clock.Elapsed.TotalSeconds:0.0} s");

        await UntilAsync(() => runs.Count == Total, "every task completes after the broker is back");
        var duplicates = runs.Values.Sum() - runs.Count;
        output.WriteLine($"{Total} distinct tasks completed in {clock.Elapsed.TotalSeconds:0.0} s; duplicates (run twice): {duplicates}");

        var after = await task.ApplyAsync(Total);
        await UntilAsync(() => runs.ContainsKey(Total), "the worker still consumes after the restart");
        await worker.StopAsync();
        runs.Keys.Should().BeEquivalentTo(Enumerable.Range(0, Total + 1), "no task is lost");
        // A crash loses the broker's record of recent acks, so tasks that ran before it may run again;
        // nothing that had not run by then (plus what was in flight) can.
        runs.Count(r => r.Value > 1).Should().BeLessThanOrEqualTo(atCrash + 64, "only what ran or was in flight at the crash may run again");
        after.Id.Should().NotBeNullOrEmpty();
    }

    private static async Task UntilAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, because);
            await Task.Delay(50);
        }
    }
}
