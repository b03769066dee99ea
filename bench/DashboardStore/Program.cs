// bench/run.sh dashboard-store: for each store given (sqlite:PATH, postgres:CONNECTION-STRING),
// 1. ingest: T tasks × 3 events (received → started → succeeded, 1 in 10 failed) in batches of B events;
//    events/s and this process's CPU seconds (PostgreSQL's own CPU is the server's, reported by run.sh);
// 2. fill to N tasks with one SUCCESS event each (name, args, result) and its rate;
// 3. p50/p95 over R runs of each page query at N tasks.
using System.Diagnostics;
using Celeriac.Dashboard.Store;

var tasks = 100_000; var fill = 1_000_000; var batchSize = 1_000; var runs = 200;
var stores = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--tasks": tasks = int.Parse(args[++i]); break;
        case "--fill": fill = int.Parse(args[++i]); break;
        case "--batch": batchSize = int.Parse(args[++i]); break;
        case "--runs": runs = int.Parse(args[++i]); break;
        default: stores.Add(args[i]); break;
    }
}
string[] names = ["orders.charge", "orders.ship", "mail.send", "reports.build", "images.resize"];
string[] words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];
var t0 = DateTimeOffset.UtcNow.AddDays(-1);

TaskEvent[] TaskEvents(int n)
{
    var at = t0.AddMilliseconds(n);
    var id = $"{n:D8}-0000-4000-8000-{n:D12}";
    var name = names[n % names.Length];
    var received = new TaskEvent(id, "RECEIVED", at)
    {
        Name = name, Worker = $"celery@w{n % 8}", Queue = n % 3 == 0 ? "fast" : "celery", RootId = id,
        Args = $"['user{n}@example.com', {n}, '{words[n % words.Length]}']", Kwargs = $"{{'order': {n}, 'note': '{words[(n / 10) % words.Length]}'}}", Retries = 0,
    };
    var started = new TaskEvent(id, "STARTED", at.AddMilliseconds(2)) { Worker = received.Worker };
    var done = n % 10 == 7
        ? new TaskEvent(id, "FAILURE", at.AddMilliseconds(40)) { Exception = "ValueError('card declined')", Traceback = "Traceback (most recent call last):\n  File \"tasks.py\", line 12, in charge\nValueError: card declined", Worker = received.Worker }
        : new TaskEvent(id, "SUCCESS", at.AddMilliseconds(40)) { Result = $"{{'ok': True, 'n': {n}}}", Runtime = 0.038 + (n % 100) / 1000.0, Worker = received.Worker };
    return [received, started, done];
}

foreach (var spec in stores)
{
    var colon = spec.IndexOf(':');
    var kind = spec[..colon];
    await using IDashboardStore store = kind == "sqlite" ? new SqliteDashboardStore(spec[(colon + 1)..]) : new PostgresDashboardStore(spec[(colon + 1)..]);
    await store.InitializeAsync();
    Console.WriteLine($"== {kind}");

    // 1. Ingest: the events of consecutive tasks interleaved as a worker pool emits them (a task's three
    // events usually land in one batch, sometimes across two).
    var events = new List<TaskEvent>(tasks * 3);
    for (var n = 0; n < tasks; n++) events.AddRange(TaskEvents(n));
    var (rate, cpu) = await IngestAsync(store, events, batchSize);
    Console.WriteLine($"ingest: {events.Count:N0} events ({tasks:N0} tasks) at {rate:N0} events/s, {cpu:F1} CPU s in this process ({cpu / events.Count * 1e6:F1} µs/event)");

    // 2. Fill to N tasks with one event each.
    if (fill > tasks)
    {
        var filler = new List<TaskEvent>(fill - tasks);
        for (var n = tasks; n < fill; n++)
        {
            var e = TaskEvents(n);
            filler.Add(e[2] with { Name = e[0].Name, Args = e[0].Args, Kwargs = e[0].Kwargs, Queue = e[0].Queue, RootId = e[0].RootId });
        }
        var (fillRate, fillCpu) = await IngestAsync(store, filler, batchSize);
        Console.WriteLine($"fill: {filler.Count:N0} one-event tasks at {fillRate:N0} events/s, {fillCpu:F1} CPU s");
    }

    // 3. Pages at N tasks.
    var rng = new Random(7);
    var deepCursor = (string?)null;
    var probe = await store.QueryTasksAsync(new TaskQuery { Limit = 50 });
    for (var p = 0; p < 20 && probe.NextCursor is not null; p++) probe = await store.QueryTasksAsync(new TaskQuery { Limit = 50, Cursor = deepCursor = probe.NextCursor });
    var queries = new (string Label, Func<TaskQuery> Query)[]
    {
        ("list, first page", () => new TaskQuery { Limit = 50 }),
        ("list, page 21 (cursor)", () => new TaskQuery { Limit = 50, Cursor = deepCursor }),
        ("list by name + state", () => new TaskQuery { Name = names[rng.Next(names.Length)], State = "FAILURE", Limit = 50 }),
        ("list by worker, oldest first", () => new TaskQuery { Worker = $"celery@w{rng.Next(8)}", Ascending = true, Limit = 50 }),
        ("list by queue, last hour", () => new TaskQuery { Queue = "fast", From = t0.AddMilliseconds(fill - 3_600_000 / 4), Limit = 50 }),
        ("sort by runtime", () => new TaskQuery { Sort = TaskSort.Runtime, Limit = 50 }),
        ("search a rare word (1 task)", () => new TaskQuery { Text = $"user{rng.Next(fill)}", Limit = 50 }),
        ("search a common word (1/10)", () => new TaskQuery { Text = words[rng.Next(words.Length)], Limit = 50 }),
        ("search a word + name", () => new TaskQuery { Text = words[rng.Next(words.Length)], Name = names[rng.Next(names.Length)], Limit = 50 }),
    };
    foreach (var (label, query) in queries)
    {
        var times = new List<double>(runs);
        for (var r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            await store.QueryTasksAsync(query());
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        Report(label, times);
    }
    var details = new List<double>(runs);
    for (var r = 0; r < runs; r++)
    {
        var n = rng.Next(tasks);
        var sw = Stopwatch.StartNew();
        await store.GetTaskAsync($"{n:D8}-0000-4000-8000-{n:D12}");
        details.Add(sw.Elapsed.TotalMilliseconds);
    }
    Report("task detail + timeline", details);
    Console.WriteLine($"process: peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MB");
}

static async Task<(double Rate, double Cpu)> IngestAsync(IDashboardStore store, List<TaskEvent> events, int batchSize)
{
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < events.Count; i += batchSize)
        await store.WriteAsync(new DashboardBatch { Tasks = events.GetRange(i, Math.Min(batchSize, events.Count - i)) });
    var elapsed = sw.Elapsed.TotalSeconds;
    process.Refresh();
    return (events.Count / elapsed, (process.TotalProcessorTime - cpu0).TotalSeconds);
}

static void Report(string label, List<double> times)
{
    times.Sort();
    double P(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * p / 100) - 1)];
    Console.WriteLine($"  {label,-32} p50 {P(50),7:F2} ms   p95 {P(95),7:F2} ms   max {times[^1],7:F2} ms");
}
