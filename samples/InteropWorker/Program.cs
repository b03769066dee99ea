using System.Runtime.InteropServices;
using Celeriac;
using Celeriac.Redis;
using InteropWorker;
using Microsoft.Extensions.Logging;

// The interop worker described in docs/interop.md. Prints one line containing "ready" once it
// consumes (and, with --beat or --beat-only, once its beat has loaded the schedule and joined the
// election), answers remote control, stops gracefully on SIGTERM/SIGINT or a remote shutdown (exit 0),
// exits non-zero with a clear message on a bad URL, an unreachable broker or a schedule entry that does not parse.
WorkerSettings settings;
try
{
    settings = WorkerSettings.Parse(args, Environment.GetEnvironmentVariable);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {ex.Message}\n{WorkerSettings.Usage}");
    return 2;
}

// --trace: before the app exists, so the first send and run are recorded too.
using var spans = SpanLog.Start(settings.Trace);
using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
CeleriacApp app;
try
{
    app = CeleriacApp.Create(o =>
    {
        o.UseRedis().UseRabbitMq();
        o.BrokerUrl = settings.Broker;
        o.ResultBackend = settings.Backend;
        o.AcksLate = settings.AcksLate;
        o.WorkerSendTaskEvents = settings.Events; // --events: Celery's -E (worker events are always sent)
        o.LoggerFactory = loggers;
        if (settings.Hostname is { } name) o.Hostname = name;
        if (settings.Timezone is { } zone) o.Timezone = zone;
        if (settings.Concurrency is { } c) o.WorkerConcurrency = c;
        if (settings.Autoscale is { } scale) o.WorkerAutoscale = scale;
        if (settings.PrefetchMultiplier is { } p) o.WorkerPrefetchMultiplier = p;
        // task_queue_max_priority: x-max-priority on the queues it declares (RabbitMQ; a Python peer must use the same).
        if (settings.QueueMaxPriority is { } max) o.TaskQueueMaxPriority = max;
        // broker_transport_options' confirm_publish (on by default): off only to measure what confirms cost.
        if (!settings.ConfirmPublish) o.BrokerTransportOptions["confirm_publish"] = "false";
        if (settings.VisibilityTimeout is { } vt) o.BrokerTransportOptions["visibility_timeout"] = vt.ToString(System.Globalization.CultureInfo.InvariantCulture);
    });
}
catch (Exception ex) when (ex is ArgumentException or UriFormatException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

await using var record = RecordTarget.From(settings);
InteropTasks.Register(app, record);
if (BeatHost.LoadSchedule(app, settings) is { } scheduleError)
{
    Console.Error.WriteLine(scheduleError);
    return 2;
}

using var stop = new CancellationTokenSource();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });

if (settings.BeatOnly)
{
    var status = await BeatHost.RunAloneAsync(app, settings, stop.Token);
    await app.DisposeAsync();
    return status;
}

await using var worker = app.CreateWorker(w =>
{
    w.Queues = settings.Queues.ToList();
    // --beat: Celery's worker -B; the worker starts the beat with itself and stops it first.
    if (settings.Beat)
    {
        w.RunBeat = true;
        w.Beat = BeatHost.ForWorker(app, settings);
    }
});
try
{
    await worker.StartAsync(stop.Token);
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    Console.Error.WriteLine($"error: cannot start consuming from {settings.Broker}: {ex.Message}");
    return 1;
}
Console.WriteLine($"{worker.Hostname} ready: consuming {string.Join(",", settings.Queues)} from {settings.Broker}" +
    (settings.Autoscale is { } bounds ? $" (autoscale {bounds.Max},{bounds.Min})" : "") +
    (settings.Beat ? $" with a beat of {app.Beat.Defined.Count} entries" : ""));

// Runs until SIGTERM/SIGINT or a remote `shutdown` (celery control shutdown); either way a graceful stop, exit 0.
await worker.RunAsync(stop.Token);
await app.DisposeAsync();
return 0;
