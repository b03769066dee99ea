using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// The pool and queue set at run time against Python Celery 5.2.6 clients on real Redis: the
/// InteropWorker's <c>--autoscale MAX,MIN</c> grows the pool for a Python client's backlog, and a
/// queue a Celeriac worker starts consuming mid-run (add_consumer) runs what a Python client sent to it.
/// </summary>
public sealed class PoolInteropTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>
{
    private static string NewQueue(string what) => $"pool-{what}-{Guid.NewGuid():N}"[..24];

    [InteropFact]
    public async Task Autoscale_grows_from_one_slot_to_run_a_python_clients_backlog_side_by_side()
    {
        const int count = 4;
        const double seconds = 2.0;
        var queue = NewQueue("scale");
        await using var worker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--autoscale", $"{count},1", "--prefetch-multiplier", "1");
        worker.Describe().Should().Contain("(autoscale 4,1)");

        var (ids, _) = await cluster.PythonClient.SendAsync(Enumerable.Range(0, count)
            .Select(_ => (object)new { name = "interop.sleep", args = new object[] { seconds }, queue }).ToArray());
        var results = await cluster.PythonClient.GetAsync(ids, timeoutSeconds: 40);

        results.Should().OnlyContain(r => r["state"]!.GetValue<string>() == "SUCCESS", worker.Describe());
        var done = results.Select(r => r["date_done"]!.GetValue<double>()).Order().ToList();
        output.WriteLine($"finished {string.Join(", ", done.Select(d => $"{d - done[0]:0.00}s"))} after the first");
        // One slot would finish them 2 s apart (6 s from first to last); the autoscaler's first look
        // (within a second) grows the pool to 4, so they run side by side.
        (done[^1] - done[0]).Should().BeLessThan(4.0, "the pool grew past its one starting slot: {0}", worker.Describe());
    }

    [InteropFact]
    public async Task A_python_clients_tasks_on_a_queue_added_at_run_time_are_run()
    {
        var (home, added) = (NewQueue("home"), NewQueue("added"));
        await using var app = CeleriacApp.Create(o =>
        {
            o.UseRedis();
            o.BrokerUrl = cluster.Endpoints.BrokerUrl;
            o.ResultBackend = cluster.Endpoints.BackendUrl;
        });
        app.Task("interop.add", (long x, long y) => x + y);
        await using var worker = app.CreateWorker(w => w.Queues = [home]);
        await worker.StartAsync();

        var (ids, _) = await cluster.PythonClient.SendAsync(
            new { name = "interop.add", args = new object[] { 20, 22 }, queue = added },
            new { name = "interop.add", args = new object[] { 1, 2 }, queue = added });
        (await cluster.QueueLengthAsync(added)).Should().Be(2, "nobody consumes the queue yet");

        (await worker.AddQueueAsync(added, CancellationToken.None)).Should().BeTrue();
        var results = await cluster.PythonClient.GetAsync(ids);

        results.Select(r => r["repr"]!.GetValue<string>()).Should().Equal("42", "3");
        worker.ConsumingQueues.Should().Equal(home, added);
        (await cluster.QueueLengthAsync(added)).Should().Be(0);
        await worker.StopAsync();
    }
}
