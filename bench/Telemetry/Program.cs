using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Celeriac;

// Usage: Telemetry <off|on> <count>
// Sends <count> bench.add tasks to an in-memory broker, then drains them with one worker (results
// stored in memory), and prints one JSON line: send and drain rates and bytes allocated per task.
// "on" attaches an ActivityListener (every span of the "Celeriac" source recorded) and a
// MeterListener (every instrument of the "Celeriac" meter, gauges read once a second): what an
// app with OpenTelemetry tracing and metrics pays. Only public API of the core, so the same file
// builds against an older commit for the comparison bench/telemetry.py makes.
var mode = args[0];
var count = int.Parse(args[1], CultureInfo.InvariantCulture);
using var listeners = mode == "on" ? Listeners.Attach() : null;

await using var app = CeleriacApp.Create(o =>
{
    o.BrokerUrl = "memory://telemetry";
    o.ResultBackend = "memory://telemetry";
});
app.Task("bench.add", (long x, long y) => x + y);

// CPU time per task as well as the rate: on a shared machine other processes steal wall-clock
// time from a run, but not CPU time from its own threads (the figure that stays comparable).
TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

async Task<(double Rate, double Bytes, double CpuUs)> SendAsync(int n)
{
    var (bytes, cpu) = (GC.GetTotalAllocatedBytes(precise: true), Cpu());
    var started = Stopwatch.GetTimestamp();
    for (var i = 0; i < n; i++) await app.SendTaskAsync("bench.add", [i, i]);
    var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    return (n / seconds, (GC.GetTotalAllocatedBytes(precise: true) - bytes) / (double)n, (Cpu() - cpu).TotalMicroseconds / n);
}

async Task<(double Rate, double Bytes, double CpuUs)> DrainAsync(int n)
{
    await using var worker = app.CreateWorker(w => { w.Concurrency = 2; w.SendEvents = false; });
    var (bytes, cpu) = (GC.GetTotalAllocatedBytes(precise: true), Cpu());
    var started = Stopwatch.GetTimestamp();
    await worker.StartAsync();
    while (worker.Processed < n) await Task.Delay(1);
    var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var (allocated, used) = (GC.GetTotalAllocatedBytes(precise: true) - bytes, Cpu() - cpu);
    await worker.StopAsync();
    return (n / seconds, allocated / (double)n, used.TotalMicroseconds / n);
}

// Warm-up: a first, smaller round compiles the paths (and the broker's structures grow once).
await SendAsync(Math.Min(count, 5_000));
await DrainAsync(Math.Min(count, 5_000));
GC.Collect();
var (sendRate, sendBytes, sendCpu) = await SendAsync(count);
var (drainRate, drainBytes, drainCpu) = await DrainAsync(count);
Console.WriteLine(FormattableString.Invariant(
    $"{{\"mode\": \"{mode}\", \"send_per_s\": {sendRate:0}, \"send_bytes\": {sendBytes:0}, \"send_cpu_us\": {sendCpu:0.0}, \"drain_per_s\": {drainRate:0}, \"drain_bytes\": {drainBytes:0}, \"drain_cpu_us\": {drainCpu:0.0}, \"spans\": {listeners?.Spans ?? 0}, \"measurements\": {listeners?.Measurements ?? 0}}}"));

/// <summary>What OpenTelemetry's SDK attaches, minus the export: spans recorded, every instrument enabled.</summary>
internal sealed class Listeners : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private readonly Timer _gauges;
    private long _spans;
    private long _measurements;

    private Listeners()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Celeriac",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => Interlocked.Increment(ref _spans),
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) => { if (instrument.Meter.Name == "Celeriac") listener.EnableMeasurementEvents(instrument); },
        };
        _meters.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _meters.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _meters.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _meters.Start();
        _gauges = new Timer(_ => _meters.RecordObservableInstruments(), null, 1000, 1000);
    }

    public long Spans => Interlocked.Read(ref _spans);

    public long Measurements => Interlocked.Read(ref _measurements);

    public static Listeners Attach() => new();

    public void Dispose()
    {
        _gauges.Dispose();
        _meters.Dispose();
        _activities.Dispose();
    }
}
