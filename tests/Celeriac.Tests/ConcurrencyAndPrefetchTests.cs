using Celeriac.Tasks;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>Slots bound how many tasks run at once; prefetch bounds how many messages a worker holds (docs/protocol.md §5.1).</summary>
public sealed class ConcurrencyAndPrefetchTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>A task that counts how many of its runs overlap and blocks until the gate opens.</summary>
    private sealed class Probe
    {
        private int _current, _entered;
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly int _target;

        public Probe(int target) => _target = target;

        public Gate Gate { get; } = new();
        public int Current => Volatile.Read(ref _current);
        public int Entered => Volatile.Read(ref _entered);
        public int Max;

        /// <summary>Completes once <c>target</c> runs are inside the task at the same time.</summary>
        public Task ReachedAsync() => _reached.Task.WaitAsync(SignalRecorder.DefaultTimeout);

        public async Task<int> RunAsync()
        {
            var now = Interlocked.Increment(ref _current);
            Interlocked.Increment(ref _entered);
            int seen;
            while ((seen = Volatile.Read(ref Max)) < now && Interlocked.CompareExchange(ref Max, now, seen) != seen) { }
            if (now >= _target) _reached.TrySetResult();
            try { await Gate.WaitAsync(); }
            finally { Interlocked.Decrement(ref _current); }
            return now;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task With_N_slots_exactly_N_of_N_plus_2_blocking_tasks_run_at_once(int slots)
    {
        var probe = new Probe(slots);
        var task = _h.App.Task("c.block", probe.RunAsync);
        var (worker, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = slots; w.PrefetchMultiplier = 4; });

        for (var i = 0; i < slots + 2; i++) await task.DelayAsync();
        await probe.ReachedAsync();
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, slots + 2, "Received");

        probe.Current.Should().Be(slots);
        probe.Entered.Should().Be(slots);
        worker.Active.Should().Be(slots);
        _h.Broker.Depth("celery").Should().Be(0, "the other two are reserved by the worker");

        probe.Gate.Open();
        await signals.CompletionsAsync(slots + 2);
        probe.Entered.Should().Be(slots + 2);
        probe.Max.Should().Be(slots);
        worker.Processed.Should().Be(slots + 2);
    }

    [Fact]
    public async Task Synchronous_tasks_run_in_parallel_on_separate_slots()
    {
        // Two slots: more blocked threads than cores would only measure the thread pool's injection delay.
        const int slots = 2;
        using var barrier = new Barrier(slots);
        var task = _h.App.Task("c.cpu", () => barrier.SignalAndWait(TimeSpan.FromSeconds(10)));
        var (_, signals) = await _h.StartWorkerAsync(w => w.Concurrency = slots);

        var results = new List<AsyncResult<bool>>();
        for (var i = 0; i < slots; i++) results.Add(await task.DelayAsync());
        await signals.CompletionsAsync(slots);

        foreach (var r in results) (await r.GetAsync(TimeSpan.FromSeconds(1))).Should().BeTrue("all {0} blocking bodies met at the barrier", slots);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 1)]
    public async Task With_acks_late_a_worker_holds_at_most_slots_times_multiplier_unsettled_messages(int slots, int multiplier)
    {
        const int sent = 6;
        var probe = new Probe(slots);
        var task = _h.App.Task("c.held", probe.RunAsync, o => o.AcksLate = true);
        for (var i = 0; i < sent; i++) await task.DelayAsync();
        _h.Broker.Depth("celery").Should().Be(sent);

        var (_, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = slots; w.PrefetchMultiplier = multiplier; });
        await probe.ReachedAsync();
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, slots * multiplier, "Received");

        _h.Broker.Depth("celery").Should().Be(sent - slots * multiplier);
        signals.Of(WorkerSignalKind.Received).Should().HaveCount(slots * multiplier);

        probe.Gate.Open();
        await signals.CompletionsAsync(sent);
        _h.Broker.Depth("celery").Should().Be(0);
    }

    [Fact]
    public async Task With_early_ack_a_running_task_no_longer_counts_against_prefetch()
    {
        var probe = new Probe(1);
        var task = _h.App.Task("c.early", probe.RunAsync);
        for (var i = 0; i < 4; i++) await task.DelayAsync();

        var (_, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 1; w.PrefetchMultiplier = 1; });
        await probe.ReachedAsync();
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, 2, "Received");

        // One running (acked), one reserved (unacked): as Celery with prefetch 1 and early acks.
        _h.Broker.Depth("celery").Should().Be(2);

        probe.Gate.Open();
        await signals.CompletionsAsync(4);
    }

    [Fact]
    public async Task A_prefetch_multiplier_of_zero_reserves_everything_waiting()
    {
        var probe = new Probe(1);
        var task = _h.App.Task("c.unlimited", probe.RunAsync, o => o.AcksLate = true);
        for (var i = 0; i < 20; i++) await task.DelayAsync();

        var (_, signals) = await _h.StartWorkerAsync(w => { w.Concurrency = 1; w.PrefetchMultiplier = 0; });
        await probe.ReachedAsync();
        await signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Received, 20, "Received");

        _h.Broker.Depth("celery").Should().Be(0);
        probe.Current.Should().Be(1);
        probe.Gate.Open();
        await signals.CompletionsAsync(20);
    }

    [Fact]
    public async Task A_worker_consumes_several_queues()
    {
        var task = _h.App.Task("c.multi", (TaskContext ctx) => ctx.Queue);
        var (_, signals) = await _h.StartWorkerAsync(w => w.Queues = ["q1", "q2"]);

        var a = await task.ApplyAsync(options: new TaskSendOptions { Queue = "q1" });
        var b = await task.ApplyAsync(options: new TaskSendOptions { Queue = "q2" });
        await signals.CompletionsAsync(2);

        (await a.GetAsync(TimeSpan.FromSeconds(1))).Should().Be("q1");
        (await b.GetAsync(TimeSpan.FromSeconds(1))).Should().Be("q2");
    }
}
