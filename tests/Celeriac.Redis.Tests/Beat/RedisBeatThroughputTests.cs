using System.Diagnostics;
using Celeriac.Beat.Store;
using Celeriac.Redis.Tests.Beat.Support;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Xunit.Abstractions;

namespace Celeriac.Redis.Tests.Beat;

/// <summary>
/// A big batch — 10,000 runs due at once — goes out in a few script calls (500 runs or 1 MB each),
/// in order, all recorded. Prints the time (<c>--logger "console;verbosity=detailed"</c>); asserts
/// the call count and only a generous ceiling on time. Runs alone, so the time is not other tests' noise.
/// </summary>
[Collection(ThroughputCollection.Name)]
public sealed class RedisBeatThroughputTests(RedisServerFixture redis, ITestOutputHelper output) : BeatStoreTestBase(redis)
{
    private const int Count = 10_000;

    [RedisFact]
    public async Task Ten_thousand_runs_publish_in_twenty_script_calls()
    {
        var store = Store();
        var lease = (await store.TryAcquireAsync("a", TimeSpan.FromMinutes(1), CancellationToken.None))!;
        await store.PublishAsync(lease, [BeatRuns.Run("warm-up", BeatRuns.Origin)], CancellationToken.None); // loads the script
        var runs = Enumerable.Range(0, Count).Select(i => BeatRuns.Run($"entry-{i:D5}", BeatRuns.Origin)).ToList();
        var (before, redisBefore) = await EvalShaStatsAsync();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;

        var clock = Stopwatch.StartNew();
        var result = await store.PublishAsync(lease, runs, CancellationToken.None);
        clock.Stop();

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var (after, redisAfter) = await EvalShaStatsAsync();
        var calls = after - before;
        output.WriteLine($"{Count} runs: {clock.Elapsed.TotalMilliseconds:F0} ms wall, {calls} script calls, " +
                         $"{clock.Elapsed.TotalMicroseconds / Count:F1} µs/run wall, {cpu.TotalMicroseconds / Count:F1} µs/run client CPU, " +
                         $"{(double)(redisAfter - redisBefore) / Count:F1} µs/run in Redis's scripts");
        result.Published.Should().Be(Count);
        calls.Should().Be(Count / Celeriac.Redis.Beat.RedisBeatStore.MaxRunsPerCall);
        (await Raw.RunAsync("LLEN", Prefix + "celery")).AsInt64().Should().Be(Count + 1);
        (await Raw.RunAsync("HLEN", Key("slots"))).AsInt64().Should().Be(Count + 1);
        var queued = await QueuedAsync(Prefix + "celery");
        queued.Skip(1).Select(BeatRuns.IdOf).Should().Equal(runs.Select(r => r.TaskId), "runs go out in the order given");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));

        // The same batch again: all duplicates, nothing pushed.
        clock.Restart();
        var again = await store.PublishAsync(lease, runs, CancellationToken.None);
        output.WriteLine($"{Count} duplicates refused in {clock.Elapsed.TotalMilliseconds:F0} ms");
        again.Duplicates.Should().HaveCount(Count);
        (await Raw.RunAsync("LLEN", Prefix + "celery")).AsInt64().Should().Be(Count + 1);
    }

    // cmdstat_evalsha:calls=21,usec=123456,… — calls and the microseconds Redis spent in them.
    private async Task<(long Calls, long Microseconds)> EvalShaStatsAsync()
    {
        var info = (await Raw.RunAsync("INFO", "commandstats")).AsString()!;
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal));
        if (line is null) return (0, 0);
        var fields = line.Trim().Split(':')[1].Split(',').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
        return (long.Parse(fields["calls"]), long.Parse(fields["usec"]));
    }
}
