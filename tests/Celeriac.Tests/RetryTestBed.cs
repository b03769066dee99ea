using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Celeriac.Memory;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.TestSupport;
using Celeriac.Tests.Support;
using Celeriac.Transport;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>
/// What the retry, autoretry and ack tests share: an app on a <see cref="VirtualClock"/> whose
/// transport logs every publish (the wire) and every settlement, plus helpers to walk a task
/// through its retries without sleeping.
/// </summary>
internal sealed class RetryTestBed : IAsyncDisposable
{
    private RetryTestBed(VirtualClock clock, TestHarness harness)
    {
        Clock = clock;
        H = harness;
    }

    public VirtualClock Clock { get; }

    public TestHarness H { get; }

    public CeleriacApp App => H.App;

    /// <summary>Every message the app published, with its route, in order.</summary>
    public ConcurrentQueue<(BrokerMessage Message, DeliveryInfo Route)> Published { get; } = new();

    /// <summary>Every ack, reject, requeue and restore the worker made.</summary>
    public RecordingTransport Settlements { get; private set; } = null!;

    public SignalRecorder Signals { get; private set; } = null!;

    public static RetryTestBed Create(Action<CeleriacOptions>? configure = null)
    {
        var clock = new VirtualClock();
        RetryTestBed? bed = null;
        var harness = TestHarness.Create(o =>
        {
            o.TimeProvider = clock;
            o.Providers.AddTransport("memory", c =>
            {
                var recording = new RecordingTransport(InMemoryBroker.Named(c.Url.Host).CreateTransport());
                bed!.Settlements = recording;
                return new PublishTap(recording, bed.Published);
            });
            configure?.Invoke(o);
        });
        bed = new RetryTestBed(clock, harness);
        _ = harness.App.Transport; // create it now so Settlements is set
        return bed;
    }

    public async Task<CeleriacWorker> StartWorkerAsync(Action<WorkerOptions>? configure = null)
    {
        (var worker, Signals) = await H.StartWorkerAsync(configure);
        return worker;
    }

    /// <summary>The retry messages of <paramref name="taskId"/> published so far, decoded, in order.</summary>
    public IReadOnlyList<(TaskMessage Message, DeliveryInfo Route, BrokerMessage Raw)> RetriesOf(string taskId) =>
        Published.Where(p => p.Message.Headers["id"]?.GetValue<string>() == taskId && p.Message.Headers["retries"]!.GetValue<int>() > 0)
            .Select(p => (TaskMessageCodec.Decode(p.Message, [ContentTypes.Json]), p.Route, p.Message)).ToList();

    /// <summary>Waits until the task stored RETRY for the <paramref name="n"/>th time; returns that retry message.</summary>
    public async Task<(TaskMessage Message, DeliveryInfo Route, BrokerMessage Raw)> RetryAsync(string taskId, int n)
    {
        await Signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Completed && s.TaskId == taskId && s.State == TaskStates.Retry, n, $"RETRY #{n} of {taskId}");
        var retries = RetriesOf(taskId);
        retries.Should().HaveCountGreaterThanOrEqualTo(n, "the retry message is published before RETRY is stored");
        return retries[n - 1];
    }

    /// <summary>Once the worker parked the message for its eta, moves the clock exactly to that eta.</summary>
    public async Task FireAtAsync(DateTimeOffset eta)
    {
        var wait = eta - Clock.GetUtcNow();
        if (wait <= TimeSpan.Zero) return; // due already: the worker runs it without a timer
        await Clock.WaitForTimersAsync(1);
        Clock.Advance(wait);
    }

    /// <summary>
    /// Walks the task through <paramref name="retries"/> retries (firing each at its eta); returns
    /// the countdowns the worker chose, measured on the virtual clock.
    /// </summary>
    public async Task<IReadOnlyList<TimeSpan>> RunRetriesAsync(string taskId, int retries)
    {
        var countdowns = new List<TimeSpan>();
        for (var n = 1; n <= retries; n++)
        {
            var (retry, _, _) = await RetryAsync(taskId, n);
            retry.Retries.Should().Be(n);
            countdowns.Add(retry.Eta!.Value - Clock.GetUtcNow());
            await FireAtAsync(retry.Eta.Value);
        }
        return countdowns;
    }

    /// <summary>Waits for the run that is not a retry: SUCCESS, FAILURE, REJECTED, IGNORED…; returns that state.</summary>
    public async Task<string> FinishedAsync(string taskId) =>
        (await Signals.WaitForAsync(s => s.Kind == WorkerSignalKind.Completed && s.TaskId == taskId && s.State != TaskStates.Retry, 1, $"end of {taskId}"))[0].State!;

    public Task<ResultMeta> StoredAsync(string taskId) => H.StoredAsync(taskId);

    /// <summary>A captured vector from <c>tests/vectors</c>.</summary>
    public static JsonObject Vector(string name) => GoldenVectors.Load(name);

    /// <summary>The kombu envelope of a published message with its body decoded and without the per-publish delivery tag.</summary>
    public static JsonObject Envelope(BrokerMessage raw, DeliveryInfo route)
    {
        var doc = KombuEnvelope.ToDocument(raw, route, "tag");
        doc["body"] = JsonNode.Parse(raw.Body.Span);
        doc["properties"]!.AsObject().Remove("delivery_tag");
        return doc;
    }

    /// <summary>A captured message's envelope in the same form, with the values that belong to one run replaced.</summary>
    public static JsonObject ExpectedEnvelope(JsonObject vectorMessage, string eta, string headerOrigin, string propertiesOrigin)
    {
        var doc = vectorMessage["envelope"]!.DeepClone().AsObject();
        doc["body"] = vectorMessage["body_decoded"]!.DeepClone();
        doc["headers"]!["eta"] = eta;
        doc["headers"]!["origin"] = headerOrigin;
        doc["properties"]!["origin"] = propertiesOrigin;
        doc["properties"]!.AsObject().Remove("delivery_tag");
        return doc;
    }

    /// <summary>Puts a captured Python message on the broker as Python's client would have.</summary>
    public void Inject(JsonObject vectorMessage)
    {
        var envelope = KombuEnvelope.Decode(vectorMessage["envelope"]!.DeepClone().AsObject());
        H.Broker.Enqueue(envelope.DeliveryInfo.RoutingKey, new StoredMessage(envelope.Message, envelope.DeliveryInfo, envelope.DeliveryTag));
    }

    /// <summary>The <c>origin</c> this process writes.</summary>
    public static string OurOrigin => $"gen{Environment.ProcessId}@{Environment.MachineName}";

    public ValueTask DisposeAsync() => H.DisposeAsync();

    /// <summary>Passes everything through and logs each publish as it went to the broker.</summary>
    private sealed class PublishTap(ITransport inner, ConcurrentQueue<(BrokerMessage, DeliveryInfo)> log) : ITransport
    {
        public async ValueTask PublishAsync(BrokerMessage message, DeliveryInfo route, CancellationToken cancellationToken = default)
        {
            await inner.PublishAsync(message, route, cancellationToken);
            log.Enqueue((message, route));
        }

        public ValueTask DeclareQueueAsync(string queue, CancellationToken cancellationToken = default) => inner.DeclareQueueAsync(queue, cancellationToken);

        public ValueTask<ITransportConsumer> ConsumeAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken = default) =>
            inner.ConsumeAsync(queues, cancellationToken);

        public ValueTask<long> PurgeAsync(string queue, CancellationToken cancellationToken = default) => inner.PurgeAsync(queue, cancellationToken);

        public ValueTask<long> GetQueueDepthAsync(string queue, CancellationToken cancellationToken = default) => inner.GetQueueDepthAsync(queue, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
