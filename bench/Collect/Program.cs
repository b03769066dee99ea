using System.Diagnostics;
using System.Globalization;
using Celeriac;

// Usage: Collect <broker-url> <backend-url> <count> <warmup> <stored|live>
// Sends <warmup> bench.add tasks and collects them (JIT warm-up, as a long-running app is warm),
// then sends <count> bench.add(i, i) and prints "sent". With "stored" it then waits for a line on
// stdin (the harness sends it once the worker has stored every result) so the join measures
// collecting alone; with "live" it joins at once, while the worker is still working.
// Last line: {"send_s": s, "collect_s": c}.
var (broker, backend) = (args[0], args[1]);
var count = int.Parse(args[2], CultureInfo.InvariantCulture);
var warmup = int.Parse(args[3], CultureInfo.InvariantCulture);
var waitForStored = args[4] == "stored";
await using var app = CeleriacApp.Create(o =>
{
    o.UseRedis();
    o.BrokerUrl = broker;
    o.ResultBackend = backend;
});

// Sends are independent: keep a window of them in flight, as a producer of many tasks would.
async Task<AsyncResult[]> SendAsync(int first, int n)
{
    var results = new AsyncResult[n];
    const int window = 256;
    for (var start = 0; start < n; start += window)
    {
        var end = Math.Min(n, start + window);
        var sends = new Task<AsyncResult>[end - start];
        for (var i = start; i < end; i++) sends[i - start] = app.SendTaskAsync("bench.add", [first + i, first + i]);
        (await Task.WhenAll(sends)).CopyTo(results, start);
    }
    return results;
}

static void Check(System.Text.Json.Nodes.JsonArray values, int first)
{
    for (var i = 0; i < values.Count; i++)
        if (values[i]!.GetValue<long>() != 2L * (first + i)) throw new InvalidOperationException($"bench.add({first + i}, {first + i}) returned {values[i]}");
}

var warm = await SendAsync(0, warmup);
Check(await new GroupResult(app, warm).JoinAsync(TimeSpan.FromMinutes(5)), 0);

var clock = Stopwatch.StartNew();
var sent = await SendAsync(0, count);
var sendSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine("sent");
if (waitForStored) Console.ReadLine();
clock.Restart();
var values = await new GroupResult(app, sent).JoinAsync(TimeSpan.FromMinutes(5));
var collectSeconds = clock.Elapsed.TotalSeconds;
if (values.Count != count) throw new InvalidOperationException($"{values.Count} values for {count} tasks");
Check(values, 0);
Console.WriteLine(FormattableString.Invariant($"{{\"send_s\": {sendSeconds:0.####}, \"collect_s\": {collectSeconds:0.####}}}"));
