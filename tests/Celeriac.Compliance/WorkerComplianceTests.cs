using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Transport;
using Celeriac.Worker;

namespace Celeriac.Compliance;

/// <summary>
/// What a worker does that shows at the broker (docs/protocol.md §5.2, §5.3, §5.5): held messages go back when
/// it stops, retries are new messages on the same queue, rejects requeue or drop. Every transport
/// must show the same, so a transport subclasses this in a few lines, for example:
/// <code>
/// public sealed class RedisWorkerComplianceTests(RedisServerFixture redis)
///     : WorkerComplianceTests, IClassFixture&lt;RedisServerFixture&gt;
/// {
///     protected override string BrokerUrl => redis.BrokerUrl;
///     protected override string ResultBackendUrl => redis.BackendUrl;
///     protected override void ConfigureProviders(ProviderRegistry providers) => providers.AddRedis();
/// }
/// </code>
/// Each test uses fresh queue names (<see cref="NewQueueName"/>) as the app's default queue, so one
/// broker can serve all tests, also in parallel. Results are read back through the backend.
/// </summary>
public abstract partial class WorkerComplianceTests : IAsyncLifetime
{
    /// <summary>How long any single expectation may take; generous, as nothing here sleeps.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly List<CeleriacWorker> _workers = [];
    private readonly List<string> _queues = [];
    private CeleriacApp? _app;

    /// <summary>The broker URL of the transport under test.</summary>
    protected abstract string BrokerUrl { get; }

    /// <summary>A result backend URL the tests can read results from.</summary>
    protected abstract string ResultBackendUrl { get; }

    /// <summary>Registers the transport's and backend's providers (e.g. <c>AddRedis()</c>); <c>memory://</c> is built in.</summary>
    private protected virtual void ConfigureProviders(ProviderRegistry providers)
    {
    }

    /// <summary>A queue name no other test uses.</summary>
    protected virtual string NewQueueName() => $"cw-{Guid.NewGuid():N}";

    /// <summary>The app of this test; its default queue is <see cref="Queue"/>.</summary>
    protected CeleriacApp App => _app ?? throw new InvalidOperationException("the app is created in InitializeAsync");

    /// <summary>This test's default queue.</summary>
    protected string Queue { get; private set; } = "";

    /// <summary>Another fresh queue, purged after the test.</summary>
    protected async Task<string> DeclareNewQueueAsync()
    {
        var queue = NewQueueName();
        lock (_queues) _queues.Add(queue);
        await App.Transport.DeclareQueueAsync(queue);
        return queue;
    }

    private async Task<(CeleriacWorker Worker, WorkerSignalLog Signals)> StartWorkerAsync(Action<WorkerOptions>? configure = null)
    {
        var worker = App.CreateWorker(w =>
        {
            w.Concurrency = 2;
            w.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
            w.CancelGracePeriod = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(w);
        });
        var signals = new WorkerSignalLog(worker);
        _workers.Add(worker);
        await worker.StartAsync();
        return (worker, signals);
    }

    /// <summary>Waiting messages of a queue.</summary>
    protected async Task<long> DepthAsync(string queue) => await App.Transport.GetQueueDepthAsync(queue);

    /// <summary>Takes every waiting message off <paramref name="queue"/> with a plain consumer, acks and decodes them.</summary>
    private protected async Task<List<TaskMessage>> TakeAllAsync(string queue)
    {
        var depth = (int)await DepthAsync(queue);
        var consumer = await App.Transport.ConsumeAsync([queue]);
        try
        {
            var deliveries = depth == 0 ? [] : await consumer.ReceiveExactlyAsync(depth, Timeout);
            await consumer.SettleAllAsync(deliveries, SettleAction.Ack);
            return deliveries.Select(d => TaskMessageCodec.Decode(d.Message!, [ContentTypes.Json])).ToList();
        }
        finally
        {
            await consumer.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public Task InitializeAsync()
    {
        Queue = NewQueueName();
        _queues.Add(Queue);
        _app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = BrokerUrl;
            o.ResultBackend = ResultBackendUrl;
            o.DefaultQueue = Queue;
            ConfigureProviders(o.Providers);
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
        if (_app is null) return;
        foreach (var queue in _queues)
        {
            try { await _app.Transport.PurgeAsync(queue); }
            catch (Exception) { /* cleanup is best effort; the test's own assertions decide */ }
        }
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task An_eta_message_held_by_a_worker_that_stops_goes_back_to_its_queue_unchanged()
    {
        var runs = 0;
        var task = App.Task("cw.eta", () => Interlocked.Increment(ref runs));
        var (worker, signals) = await StartWorkerAsync();
        var eta = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero);

        var r = await task.ApplyAsync(options: new TaskSendOptions { Eta = eta });
        await signals.WaitForAsync(WorkerSignalKind.Received, r.Id);
        (await DepthAsync(Queue)).Should().Be(0, "the worker holds the ETA message (unacked)");
        await worker.StopAsync();

        var back = await TakeAllAsync(Queue);
        back.Select(m => (m.Id, m.Eta)).Should().Equal((r.Id, eta));
        runs.Should().Be(0);
        (await App.Backend.GetAsync(r.Id)).Status.Should().Be(TaskStates.Pending);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_acks_late_task_stopped_mid_run_is_given_back_to_its_queue(bool cooperates)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = App.Task("cw.mid-run", async (CancellationToken ct) =>
        {
            entered.TrySetResult();
            await (cooperates ? Task.Delay(System.Threading.Timeout.Infinite, ct) : release.Task);
            return 1;
        }, o => o.AcksLate = true);
        var (worker, signals) = await StartWorkerAsync();

        try
        {
            var r = await task.DelayAsync();
            await entered.Task.WaitAsync(Timeout);
            await worker.StopAsync();

            (await signals.WaitForAsync(WorkerSignalKind.Restored, r.Id)).TaskId.Should().Be(r.Id);
            (await TakeAllAsync(Queue)).Select(m => m.Id).Should().Equal(r.Id);
            (await App.Backend.GetAsync(r.Id)).Status.Should().Be(TaskStates.Pending);
        }
        finally
        {
            release.TrySetResult();
        }
    }
}
