// bench/run.sh dashboard REDIS-URL STORE… [--tasks T] [--rate R] [--fill N] [--runs R]: for each store (sqlite:PATH,
// postgres:CONNECTION-STRING), the dashboard as an app runs it (AddCeleriac + AddCeleriacDashboard, ingesting):
// 1. end to end: bench/dashboard_events.py publishes T tasks' events (received, started, succeeded/failed; 3 per
//    task, task.multi arrays of 24 as Celery's workers send them) at R events/s on the Redis event stream; the
//    rate they are stored at, the drops, and this process's CPU per 10,000 events (PostgreSQL's own CPU: run.sh);
// 2. memory: the store filled to N tasks (1,000,000), then the task list page's API (GET api/tasks/search over
//    HTTP, on Kestrel in this process) lists and searches it (R runs of each) while the process's RSS is sampled:
//    RSS before, peak during, and p50/p95 of each page request.
using System.Diagnostics;
using Celeriac;
using Celeriac.Dashboard;
using Celeriac.Dashboard.Ingestion;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var tasks = 100_000; var rate = 30_000.0; var fill = 1_000_000; var runs = 100;
string? redis = null;
var stores = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--tasks": tasks = int.Parse(args[++i]); break;
        case "--rate": rate = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--fill": fill = int.Parse(args[++i]); break;
        case "--runs": runs = int.Parse(args[++i]); break;
        default: if (redis is null) redis = args[i]; else stores.Add(args[i]); break;
    }
}
if (redis is null || stores.Count == 0) { Console.Error.WriteLine("usage: DashboardBench REDIS-URL sqlite:PATH|postgres:CONN… [--tasks T] [--rate R] [--fill N] [--runs R]"); return 2; }

foreach (var spec in stores)
{
    var colon = spec.IndexOf(':');
    var kind = spec[..colon];
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddCeleriac(o => o.BrokerUrl = redis).UseRedis();
    builder.Services.AddCeleriacDashboard(o =>
    {
        if (kind == "sqlite") o.SqlitePath = spec[(colon + 1)..];
        else o.PostgresConnectionString = spec[(colon + 1)..];
        o.EnableWorkerEvents = false; // no workers here
        o.Retention = new RetentionPolicy(); // keep everything: the fill must stay
    });
    await using var host = builder.Build();
    host.MapCeleriacDashboard("/");
    await host.StartAsync();
    using var http = new HttpClient { BaseAddress = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/") };
    var stats = host.Services.GetRequiredService<IngestionStats>();
    var store = host.Services.GetRequiredService<IDashboardStore>();
    while (!stats.BrokerConnected) await Task.Delay(50);
    Console.WriteLine($"== {kind}");

    // 1. End to end.
    var expected = tasks * 3L;
    var before = stats.EventsIngested;
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var producer = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["bench/dashboard_events.py", "--url", redis, "--tasks", $"{tasks}", "--rate", $"{rate}"]) { RedirectStandardOutput = true })!;
    Stopwatch? sw = null;
    var lastProgress = DateTime.UtcNow; var seen = 0L; double maxLag = 0;
    while (stats.EventsIngested - before + stats.Dropped < expected)
    {
        await Task.Delay(20);
        var now = stats.EventsIngested - before;
        if (now > 0) sw ??= Stopwatch.StartNew();
        if (stats.Lag is { } lag && now > 0) maxLag = Math.Max(maxLag, lag.TotalSeconds);
        if (now != seen) { seen = now; lastProgress = DateTime.UtcNow; }
        else if (DateTime.UtcNow - lastProgress > TimeSpan.FromSeconds(10) && producer.HasExited) break; // lost on the wire
    }
    var elapsed = sw?.Elapsed.TotalSeconds ?? 0;
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
    await producer.WaitForExitAsync();
    var ingested = stats.EventsIngested - before;
    Console.WriteLine($"  producer: {(await producer.StandardOutput.ReadToEndAsync()).Trim()} (asked {rate:N0}/s)");
    Console.WriteLine($"  ingested {ingested:N0} of {expected:N0} events in {elapsed:F1} s = {ingested / elapsed:N0} events/s; dropped {stats.Dropped:N0}, malformed {stats.Malformed:N0}, " +
                      $"{stats.Batches:N0} batches; lag ≤ {maxLag:F2} s");
    Console.WriteLine($"  CPU: {cpu:F1} s in this process = {cpu / ingested * 10_000:F2} CPU s per 10k events (receive, parse, map, write)");

    // 2. Memory with N tasks stored, while pages list and search.
    var have = expected / 3;
    if (fill > have)
    {
        var t0 = DateTimeOffset.UtcNow.AddDays(-1);
        var sw2 = Stopwatch.StartNew();
        for (var n = (int)have; n < fill; n += 1000)
        {
            var batch = new List<TaskEvent>(1000);
            for (var k = n; k < Math.Min(fill, n + 1000); k++)
                batch.Add(new TaskEvent($"{k:D8}-0000-4000-8000-{k:D12}", k % 10 == 7 ? "FAILURE" : "SUCCESS", t0.AddMilliseconds(k))
                {
                    Name = $"orders.t{k % 5}", Worker = $"celery@w{k % 8}", Queue = k % 3 == 0 ? "fast" : "celery",
                    Args = $"('user{k}@example.com', {k}, 'w{k % 10}')", Result = $"{{'ok': True, 'n': {k}}}", Runtime = 0.04,
                });
            await store.WriteAsync(new DashboardBatch { Tasks = batch });
        }
        Console.WriteLine($"  filled to {fill:N0} tasks in {sw2.Elapsed.TotalSeconds:F0} s");
    }
    GC.Collect();
    var rssBefore = Rss();
    var peak = rssBefore;
    var rng = new Random(7);
    var queries = new (string Label, Func<string> Query)[]
    {
        ("list, first page", () => "api/tasks/search?limit=50"),
        ("list by name + state", () => $"api/tasks/search?name=orders.t{rng.Next(5)}&state=FAILURE&limit=50"),
        ("search a rare word", () => $"api/tasks/search?q=user{rng.Next(fill)}&limit=50"),
        ("search a common word", () => $"api/tasks/search?q=w{rng.Next(10)}&limit=50"),
    };
    foreach (var (label, query) in queries)
    {
        var times = new List<double>(runs);
        for (var r = 0; r < runs; r++)
        {
            var q = Stopwatch.StartNew();
            using (var response = await http.GetAsync(query())) await response.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync();
            times.Add(q.Elapsed.TotalMilliseconds);
            if (r % 10 == 0) peak = Math.Max(peak, Rss());
        }
        times.Sort();
        Console.WriteLine($"  {label,-24} p50 {times[runs / 2],7:F2} ms   p95 {times[(int)(runs * 0.95) - 1],7:F2} ms");
    }
    peak = Math.Max(peak, Rss());
    Console.WriteLine($"  RSS with {Math.Max(fill, have):N0} tasks stored: {rssBefore / 1048576.0:F0} MB idle, peak {peak / 1048576.0:F0} MB while listing and searching");
    await host.StopAsync();
}
return 0;

static long Rss()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    return 0;
}
