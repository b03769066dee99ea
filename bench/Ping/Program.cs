using System.Diagnostics;
using System.Globalization;
using Celeriac;
using Celeriac.Control;

// Usage: Ping <broker-url> <node> <count> <warmup>
// Sends <warmup> then <count> sequential `inspect ping` requests addressed to <node> (so each
// returns at its one reply, as Python's inspect(destination=[node]).ping() does) and prints
// {"count": n, "median_ms": m, "p99_ms": p, "missed": k}; a ping with no reply within 1 s counts as missed.
var (broker, node) = (args[0], args[1]);
var count = int.Parse(args[2], CultureInfo.InvariantCulture);
var warmup = int.Parse(args[3], CultureInfo.InvariantCulture);
await using var app = CeleriacApp.Create(o =>
{
    o.UseRedis();
    o.BrokerUrl = broker;
});
var inspect = app.Control.Inspect([node]);

var times = new List<double>(count);
var missed = 0;
for (var i = 0; i < warmup + count; i++)
{
    var clock = Stopwatch.StartNew();
    var replies = await inspect.PingAsync();
    var ms = clock.Elapsed.TotalMilliseconds;
    if (!replies.ContainsKey(node)) { missed++; continue; }
    if (i >= warmup) times.Add(ms);
}
times.Sort();
double At(double q) => times.Count == 0 ? double.NaN : times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
Console.WriteLine(FormattableString.Invariant($"{{\"count\": {times.Count}, \"median_ms\": {At(0.5):0.###}, \"p99_ms\": {At(0.99):0.###}, \"missed\": {missed}}}"));
