using System.Diagnostics;
using System.Diagnostics.Metrics;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Worker;

namespace Celeriac.Diagnostics;

/// <summary>
/// The app's <see cref="Meter"/> <c>Celeriac</c> and its instruments (the table in docs/architecture.md,
/// "Diagnostics"). The meter comes from <see cref="CeleriacOptions.MeterFactory"/>, else the app makes
/// its own and disposes it with the app. Every record checks its instrument's <c>Enabled</c> first, so
/// with no listener nothing is measured, tagged or allocated (the tags are stack <c>TagList</c>s).
/// </summary>
internal sealed class CeleriacMetrics : IDisposable
{
    internal const string TaskName = "celery.task_name";
    internal const string Destination = "messaging.destination.name";
    internal const string State = "celery.state";
    internal const string Hostname = "celery.hostname";
    internal const string Operation = "operation";
    internal const string RevokeReason = "celery.revoke_reason";

    // Seconds, from a fast publish (~0.1 ms in memory) to a long task; the OpenTelemetry default
    // buckets (0 … 10,000) suit milliseconds and would put every publish in the first one.
    private static readonly IReadOnlyList<double> RunBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
    private static readonly IReadOnlyList<double> CallBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly WorkerGauges _gauges = new();

    public CeleriacMetrics(IMeterFactory? factory)
    {
        _ownsMeter = factory is null;
        _meter = factory?.Create(new MeterOptions(CeleriacDiagnostics.MeterName)) ?? new Meter(CeleriacDiagnostics.MeterName);
        Sent = Count("celeriac.task.sent", "Task messages published.");
        Received = Count("celeriac.task.received", "Task messages a worker accepted for running (valid and registered).");
        Succeeded = Count("celeriac.task.succeeded", "Task runs that succeeded.");
        Failed = Count("celeriac.task.failed", "Task runs that failed (including time limits and runs lost to shutdown).");
        Retried = Count("celeriac.task.retried", "Task runs that ended in a retry (the retry message was published).");
        Revoked = Count("celeriac.task.revoked", "Tasks not run or cut short: revoked, expired or terminated.");
        Duration = Seconds("celeriac.task.duration", "How long task runs took.", RunBuckets);
        QueueWait = Seconds("celeriac.task.queue_wait", "From sent (or the ETA, when later) to started.", RunBuckets);
        PublishDuration = Seconds("celeriac.publish.duration", "How long publishing a task message took.", CallBuckets);
        BackendDuration = Seconds("celeriac.backend.duration", "How long result backend operations took (tag operation).", CallBuckets);
        _meter.CreateObservableGauge("celeriac.worker.active", () => _gauges.Read(static w => w.Active), "{task}", "Tasks running now.");
        _meter.CreateObservableGauge("celeriac.worker.reserved", () => _gauges.Read(static w => w.ReservedCount), "{task}",
            "Tasks received and due, waiting for a slot or a rate-limit token.");
        _meter.CreateObservableGauge("celeriac.worker.scheduled", () => _gauges.Read(static w => w.Scheduled), "{task}", "Tasks parked until their ETA.");
        _meter.CreateObservableGauge("celeriac.worker.prefetch", () => _gauges.Read(static w => w.PrefetchCount), "{message}",
            "The prefetch limit (0: unlimited).");
    }

    public Counter<long> Sent { get; }
    public Counter<long> Received { get; }
    public Counter<long> Succeeded { get; }
    public Counter<long> Failed { get; }
    public Counter<long> Retried { get; }
    public Counter<long> Revoked { get; }
    public Histogram<double> Duration { get; }
    public Histogram<double> QueueWait { get; }
    public Histogram<double> PublishDuration { get; }
    public Histogram<double> BackendDuration { get; }

    /// <summary>The worker's gauges report while it runs (tagged with its node name).</summary>
    public void Track(CeleriacWorker worker) => _gauges.Add(worker);

    public void Untrack(CeleriacWorker worker) => _gauges.Remove(worker);

    /// <summary>A start time for <see cref="Elapsed"/>, or 0 when <paramref name="instrument"/> has no listener (nothing is read).</summary>
    public static long Start(Instrument instrument) => instrument.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>A publish ended: <c>sent</c> and its duration.</summary>
    public void Published(string task, string queue, long started)
    {
        if (Sent.Enabled) Sent.Add(1, new(TaskName, task), new(Destination, queue));
        if (started != 0 && PublishDuration.Enabled) PublishDuration.Record(Elapsed(started), new(TaskName, task), new(Destination, queue));
    }

    public void ReceivedTask(TaskMessage message, string queue)
    {
        if (Received.Enabled) Received.Add(1, new(TaskName, message.Task), new(Destination, queue));
    }

    /// <summary>A run starts: how long the message waited (see <see cref="Diagnostics.QueueWait"/>).</summary>
    public void Started(TaskMessage message, string queue, TimeProvider clock)
    {
        if (!QueueWait.Enabled || Diagnostics.QueueWait.Since(message) is not { } since) return;
        QueueWait.Record(Math.Max(0, (clock.GetUtcNow() - since).TotalSeconds), new(TaskName, message.Task), new(Destination, queue));
    }

    /// <summary>
    /// A run ended: the outcome's counter and the run's duration, tagged with the state it ends in.
    /// An interrupted run is not counted here: the worker records it as the failure it becomes.
    /// </summary>
    public void Finished(TaskMessage message, string queue, TaskOutcome outcome)
    {
        var (counter, state) = outcome.Kind switch
        {
            OutcomeKind.Succeeded => (Succeeded, TaskStates.Success),
            OutcomeKind.Failed => (Failed, TaskStates.Failure),
            OutcomeKind.Retried => (Retried, TaskStates.Retry),
            OutcomeKind.Rejected => (null, TaskStates.Rejected),
            OutcomeKind.Ignored => (null, TaskStates.Ignored),
            _ => (null, null),
        };
        if (state is null) return;
        if (counter is { Enabled: true }) counter.Add(1, new(TaskName, message.Task), new(Destination, queue), new(State, state));
        if (Duration.Enabled) Duration.Record(outcome.Runtime.TotalSeconds, new(TaskName, message.Task), new(Destination, queue), new(State, state));
    }

    public void RevokedTask(TaskMessage message, string queue, string reason)
    {
        if (Revoked.Enabled) Revoked.Add(1, new(TaskName, message.Task), new(Destination, queue), new(State, TaskStates.Revoked), new(RevokeReason, reason));
    }

    /// <summary>A backend call ended (<paramref name="operation"/>: store, get).</summary>
    public void BackendCall(string operation, long started)
    {
        if (started != 0 && BackendDuration.Enabled) BackendDuration.Record(Elapsed(started), new KeyValuePair<string, object?>(Operation, operation));
    }

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalSeconds;

    private Counter<long> Count(string name, string description) => _meter.CreateCounter<long>(name, "{task}", description);

    private Histogram<double> Seconds(string name, string description, IReadOnlyList<double> buckets) =>
        _meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    public void Dispose()
    {
        // A factory's meter belongs to the factory (disposed with the host's services).
        if (_ownsMeter) _meter.Dispose();
    }
}
