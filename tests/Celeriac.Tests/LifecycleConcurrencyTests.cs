using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>StartAsync, StopAsync and DisposeAsync called at once, from several threads: one start, one stop, all calls complete.</summary>
public sealed class LifecycleConcurrencyTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>A worker not yet started; each start raises Ready once, each stop Stopped once.</summary>
    private (CeleriacApp App, CeleriacWorker Worker, SignalRecorder Signals) NewWorker()
    {
        _h.App.Task("life.add", (int x, int y) => x + y);
        var worker = _h.App.CreateWorker(w => w.Concurrency = 2);
        return (_h.App, worker, new SignalRecorder(worker));
    }

    [Fact]
    public async Task Concurrent_starts_start_once_and_all_return_when_it_is_ready()
    {
        var (app, worker, signals) = NewWorker();

        var starts = Enumerable.Range(0, 8).Select(_ => Task.Run(() => worker.StartAsync())).ToArray();
        await Task.WhenAll(starts);

        signals.Of(WorkerSignalKind.Ready).Should().HaveCount(1, "the worker started once");
        var r = await app.SendTaskAsync("life.add", [2, 3]);
        (await r.GetAsync<int>(TimeSpan.FromSeconds(10))).Should().Be(5);
        await worker.DisposeAsync();
    }

    [Fact]
    public async Task Stop_during_start_waits_for_the_start_then_stops_and_a_later_start_is_refused()
    {
        var (app, worker, signals) = NewWorker();

        var start = worker.StartAsync();
        var stops = Enumerable.Range(0, 4).Select(_ => Task.Run(() => worker.StopAsync())).ToArray();
        await Task.WhenAll(stops).WaitAsync(TimeSpan.FromSeconds(10));
        await start;

        signals.Of(WorkerSignalKind.Stopped).Should().HaveCount(1);
        var again = () => worker.StartAsync();
        await again.Should().ThrowAsync<InvalidOperationException>().WithMessage("*stopped*");
    }

    [Fact]
    public async Task Stop_and_dispose_concurrently_with_start_and_each_other_all_complete()
    {
        var (app, worker, signals) = NewWorker();

        var calls = new List<Task>
        {
            Task.Run(() => worker.StartAsync()),
            Task.Run(() => worker.StopAsync()),
            Task.Run(async () => await worker.DisposeAsync()),
            Task.Run(async () => await worker.DisposeAsync()),
            Task.Run(() => worker.StopAsync()),
        };
        // A start that lost the race to a stop is refused; every other call completes.
        foreach (var call in calls)
        {
            try { await call.WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (InvalidOperationException ex) when (ex.Message.Contains("stopped")) { }
        }

        var started = signals.Of(WorkerSignalKind.Ready).Count;
        started.Should().BeLessThanOrEqualTo(1);
        signals.Of(WorkerSignalKind.Stopped).Should().HaveCount(started, "a worker that started has stopped, once");
    }

    [Fact]
    public async Task Dispose_of_a_worker_never_started_completes()
    {
        var (_, worker, signals) = NewWorker();
        await worker.DisposeAsync();
        await worker.DisposeAsync();

        signals.All.Should().BeEmpty();
    }
}
