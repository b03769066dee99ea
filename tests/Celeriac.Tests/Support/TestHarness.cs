using System.Text.Json.Nodes;
using Celeriac.Memory;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Worker;

namespace Celeriac.Tests.Support;

/// <summary>
/// An app on its own in-memory broker and result store (unique names, so tests run in parallel),
/// plus the workers a test starts; disposing stops them and the app.
/// </summary>
internal sealed class TestHarness : IAsyncDisposable
{
    private readonly List<CeleriacWorker> _workers = [];

    private TestHarness(string name, CeleriacApp app)
    {
        Name = name;
        App = app;
    }

    /// <summary>Creates an app whose broker and backend are <c>memory://&lt;unique&gt;</c>.</summary>
    public static TestHarness Create(Action<CeleriacOptions>? configure = null)
    {
        var name = Guid.NewGuid().ToString("N");
        var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = $"memory://{name}";
            o.ResultBackend = $"memory://{name}";
            configure?.Invoke(o);
        });
        return new TestHarness(name, app);
    }

    public string Name { get; }

    public CeleriacApp App { get; }

    public InMemoryBroker Broker => InMemoryBroker.Named(Name);

    /// <summary>
    /// Creates and starts a worker with short shutdown timeouts and no events (their heartbeat timer
    /// would be one more on a virtual clock; event tests turn them on); the recorder is subscribed before the start.
    /// </summary>
    public async Task<(CeleriacWorker Worker, SignalRecorder Signals)> StartWorkerAsync(Action<WorkerOptions>? configure = null)
    {
        var worker = App.CreateWorker(w =>
        {
            w.Concurrency = 2;
            w.ShutdownTimeout = TimeSpan.FromSeconds(2);
            w.CancelGracePeriod = TimeSpan.FromSeconds(1);
            w.SendEvents = false;
            configure?.Invoke(w);
        });
        var signals = new SignalRecorder(worker);
        _workers.Add(worker);
        await worker.StartAsync();
        await signals.WaitForAsync(WorkerSignalKind.Ready);
        return (worker, signals);
    }

    /// <summary>The stored meta of a task, read straight from the backend.</summary>
    public async Task<ResultMeta> StoredAsync(string taskId) => await App.Backend.GetAsync(taskId);

    /// <summary>Takes every waiting message of <paramref name="queue"/> off the broker and decodes it.</summary>
    public async Task<IReadOnlyList<(TaskMessage Message, bool Redelivered)>> DrainAsync(string queue)
    {
        var depth = Broker.Depth(queue);
        var taken = new List<(TaskMessage, bool)>();
        if (depth == 0) return taken;
        var consumer = await App.Transport.ConsumeAsync([queue]);
        while (taken.Count < depth)
        {
            var deliveries = await consumer.ReceiveAsync(depth - taken.Count, CancellationToken.None);
            foreach (var d in deliveries) taken.Add((TaskMessageCodec.Decode(d.Message!, [ContentTypes.Json]), d.Redelivered));
            await consumer.SettleAsync(deliveries.Select(d => new Transport.Settlement(d, Transport.SettleAction.Ack)).ToList());
        }
        await consumer.DisposeAsync();
        return taken;
    }

    /// <summary>Sends a task by name with raw JSON arguments.</summary>
    public Task<AsyncResult> SendAsync(string name, JsonArray? args = null, JsonObject? kwargs = null, TaskSendOptions? options = null) =>
        App.SendTaskAsync(name, args?.Select(a => (object?)a?.DeepClone()), kwargs?.ToDictionary(p => p.Key, p => (object?)p.Value?.DeepClone()), options);

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
        await App.DisposeAsync();
    }
}
