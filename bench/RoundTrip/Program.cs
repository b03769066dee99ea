using System.Diagnostics;
using System.Globalization;
using Celeriac;

// Usage: RoundTrip <broker-url> <backend-url> <count> [key=value ...]
// (key=value: broker_transport_options, e.g. confirm_publish=false to measure what confirms cost.)
// Prints one line: {"median_ms": m, "p95_ms": p}. The round trip is what a Celeriac caller sees:
// SendTaskAsync("bench.add", [i, i]) then GetAsync, one at a time, after a warm-up.
var (broker, backend, count) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
await using var app = CeleriacApp.Create(o =>
{
    o.UseRedis().UseRabbitMq(); // amqp:// brokers and the rpc:// backend too (bench/run.sh amqp)
    o.BrokerUrl = broker;
    o.ResultBackend = backend;
    foreach (var option in args.Skip(3)) o.BrokerTransportOptions[option.Split('=', 2)[0]] = option.Split('=', 2)[1];
});

async Task<double> OnceAsync(int i)
{
    var started = Stopwatch.GetTimestamp();
    var result = await app.SendTaskAsync("bench.add", [i, i]);
    var sum = await result.GetAsync<long>(TimeSpan.FromSeconds(30));
    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    if (sum != 2L * i) throw new InvalidOperationException($"bench.add({i}, {i}) returned {sum}");
    return elapsed;
}

// Warm-up until the client is in its steady state, as a long-running app's is: a fresh .NET
// process runs its first calls unoptimized and recompiles hot methods in the background over its
// first second or so (Python's client needs no such warm-up; the script gives it 20 calls).
var warming = Stopwatch.StartNew();
for (var i = 0; i < 200 || warming.Elapsed < TimeSpan.FromSeconds(1.5); i++) await OnceAsync(i);
var times = new double[count];
for (var i = 0; i < count; i++) times[i] = await OnceAsync(i);
Array.Sort(times);
Console.WriteLine(FormattableString.Invariant($"{{\"median_ms\": {times[count / 2]:0.###}, \"p95_ms\": {times[(int)(count * 0.95)]:0.###}}}"));
