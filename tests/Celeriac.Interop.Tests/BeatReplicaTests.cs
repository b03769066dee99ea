using Celeriac.Interop.Tests.Support;
using Celeriac.Interop.Tests.Support.Beat;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Several InteropWorker <c>--beat-only</c> processes with one schedule against one real Redis and
/// no consumer: every message they push onto <c>celery</c> is taken off by a reader and matched to
/// its entry and slot by recomputing its task id (uuid5 of entry + slot). Each run must be there
/// exactly once, with no gap in the slot sequence, whatever happens to the publisher: nothing,
/// SIGKILL (also right at a run's due instant) or SIGSTOP past its lease.
/// </summary>
[Collection(BeatReplicaCollection.Name)]
public sealed class BeatReplicaTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>, IDisposable
{
    // BeatOptions' defaults, which the InteropWorker keeps: the lease lasts 3 s, a standby tries every second.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan TryInterval = TimeSpan.FromSeconds(1);
    // Two cores shared with redis-server and three .NET processes: room for a late timer and the reader's poll.
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(500);

    private readonly BeatFiles _files = new();
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];

    [InteropFact]
    public async Task Three_replicas_for_60_s_publish_each_run_of_a_1_s_and_a_7_s_entry_exactly_once_with_one_publisher_at_a_time()
    {
        var (fast, slow) = ($"every-1s-{_tag}", $"every-7s-{_tag}");
        var schedule = await FreshScheduleAsync(new() { [fast] = 1, [slow] = 7 });
        await using var published = await PublishedMessages.StartAsync(cluster.Server.Port);
        var startedAt = DateTimeOffset.UtcNow;
        var replicas = (await Task.WhenAll(new[] { "a", "b", "c" }.Select(n => StartReplicaAsync(schedule, n + _tag)))).ToList();
        try
        {
            var readyAt = DateTimeOffset.UtcNow;
            await RunForAsync(TimeSpan.FromSeconds(60), replicas);
            var stoppedAt = await StopAllAsync(replicas);
            await published.DisposeAsync();

            var all = published.Snapshot();
            var fastRuns = RunSeries.Match(fast, TimeSpan.FromSeconds(1), Of(all, fast));
            var slowRuns = RunSeries.Match(slow, TimeSpan.FromSeconds(7), Of(all, slow), FractionsOf(fastRuns));
            var context = Context(replicas, fastRuns, slowRuns);
            foreach (var series in new[] { fastRuns, slowRuns })
            {
                AssertExactlyOnceWithoutGaps(series, context);
                // Anchored when the publisher first saw the entry (after it started), first run one interval later.
                series.FirstSlot.Should().BeOnOrAfter(startedAt + series.Interval).And.BeOnOrBefore(readyAt + series.Interval + TimeSpan.FromSeconds(5), context);
                // Nothing lost at the end: every slot due a little before the stop is there.
                series.LastSlot.Should().BeOnOrAfter(stoppedAt - series.Interval - TimeSpan.FromSeconds(2), context);
            }
            fastRuns.Runs.Count.Should().BeGreaterThanOrEqualTo(55, context);
            slowRuns.Runs.Count.Should().BeGreaterThanOrEqualTo(8, context);
            AssertOnePublisherAtATime([fastRuns, slowRuns], replicas, context);
            output.WriteLine($"{fastRuns.Runs.Count} + {slowRuns.Runs.Count} runs, publishers {string.Join(" → ", PublisherBlocks([fastRuns, slowRuns]))}; " +
                             $"lag p50 {Timing.Percentile(fastRuns.Runs.Select(r => r.Lag.TotalMilliseconds), 50):0} ms, max {fastRuns.Runs.Max(r => r.Lag.TotalMilliseconds):0} ms");
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    [InteropFact]
    public async Task The_publisher_sigkilled_nine_times_also_at_due_instants_loses_no_run_duplicates_none_and_is_replaced_within_the_lease_and_a_second()
    {
        var (fast, slow) = ($"kill-1s-{_tag}", $"kill-5s-{_tag}");
        var schedule = await FreshScheduleAsync(new() { [fast] = 1, [slow] = 5 });
        await using var published = await PublishedMessages.StartAsync(cluster.Server.Port);
        var replicas = (await Task.WhenAll(new[] { "a", "b", "c" }.Select(n => StartReplicaAsync(schedule, n + _tag)))).ToList();
        var killed = new List<ManagedProcess>();
        var takeOvers = new List<string>();
        var gaps = new List<TimeSpan>();
        try
        {
            await published.WaitForAsync(m => IsOf(m, fast), TimeSpan.FromSeconds(20), () => Describe(replicas));
            var firstSlot = RunSeries.Match(fast, TimeSpan.FromSeconds(1), Of(published.Snapshot(), fast)).FirstSlot;
            firstSlot.Should().NotBe(default, "the first run's id must be uuid5 of entry and slot\n" + Describe(replicas));
            // Around the due instant: before it, at it, and just after (while the run is claimed and pushed).
            int[] offsetsMs = [0, 2, 5, 10, -10, 20, 1, 40, 3];
            for (var i = 0; i < offsetsMs.Length; i++)
            {
                var publisherPid = Of(published.Snapshot(), fast)[^1].Pid;
                var victim = replicas.SingleOrDefault(r => r.Pid == publisherPid)
                             ?? throw new InvalidOperationException($"the last run came from pid {publisherPid}, no live replica\n{Describe(replicas)}");
                var due = NextDue(firstSlot, DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300));
                await Timing.UntilAsync(due + TimeSpan.FromMilliseconds(offsetsMs[i]));
                victim.KillHard();
                var killedAt = DateTimeOffset.UtcNow;
                replicas.Remove(victim);
                killed.Add(victim);
                await victim.WaitForExitAsync(TimeSpan.FromSeconds(10));

                var next = await published.WaitForAsync(m => m.ArrivedAt > killedAt && m.Pid != publisherPid, TimeSpan.FromSeconds(15),
                    () => $"no replica took over after kill {i + 1}\n{Describe(replicas)}");
                var gap = next.ArrivedAt - killedAt;
                gaps.Add(gap);
                var dueRunBy = Of(published.Snapshot(), fast).FirstOrDefault(m => m.TaskId == BeatRunId.For(fast, due))?.Pid;
                takeOvers.Add($"kill {i + 1}: pid {publisherPid} at due {offsetsMs[i]:+0;-0;0} ms → pid {next.Pid} published {gap.TotalMilliseconds:0} ms later; " +
                              $"the run due then came from {(dueRunBy == publisherPid ? "the victim (before the kill)" : dueRunBy is null ? "nobody yet" : "the successor")}");

                // A fresh replica in place of the dead one; then two runs from the new publisher before the next kill.
                replicas.Add(await StartReplicaAsync(schedule, $"r{i}{_tag}"));
                var restartedAt = DateTimeOffset.UtcNow;
                await Poll.UntilAsync(() => Task.FromResult(Of(published.Snapshot(), fast).Count(m => m.ArrivedAt > restartedAt) >= 2),
                    TimeSpan.FromSeconds(15), () => Describe(replicas));
            }
            await StopAllAsync(replicas);
            await published.DisposeAsync();

            var all = published.Snapshot();
            var fastRuns = RunSeries.Match(fast, TimeSpan.FromSeconds(1), Of(all, fast));
            var slowRuns = RunSeries.Match(slow, TimeSpan.FromSeconds(5), Of(all, slow), FractionsOf(fastRuns));
            var context = string.Join("\n", takeOvers) + "\n" + Context([.. killed, .. replicas], fastRuns, slowRuns);
            AssertExactlyOnceWithoutGaps(fastRuns, context);
            AssertExactlyOnceWithoutGaps(slowRuns, context);
            gaps.Should().OnlyContain(g => g <= Lease + TryInterval + Slack, $"a replica takes over within lease + 1 s (+{Slack.TotalMilliseconds} ms for timers on two cores)\n{context}");
            foreach (var line in takeOvers) output.WriteLine(line);
            output.WriteLine($"take-over gaps: p50 {Timing.Percentile(gaps.Select(g => g.TotalMilliseconds), 50):0} ms, max {gaps.Max().TotalMilliseconds:0} ms; " +
                             $"{fastRuns.Runs.Count} + {slowRuns.Runs.Count} runs, none twice, none missing");
        }
        finally
        {
            foreach (var replica in replicas.Concat(killed)) await replica.DisposeAsync();
        }
    }

    [InteropFact]
    public async Task A_publisher_sigstopped_past_its_lease_publishes_nothing_stale_on_resuming_while_the_other_replica_carries_on()
    {
        var fast = $"pause-1s-{_tag}";
        var schedule = await FreshScheduleAsync(new() { [fast] = 1 });
        await using var published = await PublishedMessages.StartAsync(cluster.Server.Port);
        var replicas = (await Task.WhenAll(new[] { "a", "b" }.Select(n => StartReplicaAsync(schedule, n + _tag)))).ToList();
        var rounds = new List<string>();
        try
        {
            await published.WaitForAsync(m => IsOf(m, fast), TimeSpan.FromSeconds(20), () => Describe(replicas));
            var firstSlot = RunSeries.Match(fast, TimeSpan.FromSeconds(1), Of(published.Snapshot(), fast)).FirstSlot;
            firstSlot.Should().NotBe(default, "the first run's id must be uuid5 of entry and slot\n" + Describe(replicas));
            // Twice, so each replica is paused once: frozen 1 ms after a due instant (that run planned, perhaps not yet
            // pushed), then 1 ms before one (asleep until it, so on waking it holds a run planned under a lost lease).
            int[] offsetsMs = [1, -1];
            for (var round = 0; round < offsetsMs.Length; round++)
            {
                var publisherPid = Of(published.Snapshot(), fast)[^1].Pid;
                var paused = replicas.Single(r => r.Pid == publisherPid);
                var due = NextDue(firstSlot, DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300));
                await Timing.UntilAsync(due + TimeSpan.FromMilliseconds(offsetsMs[round]));
                paused.Pause();
                var pausedAt = DateTimeOffset.UtcNow;
                // Frozen twice the lease: the other replica must take over and keep the runs coming.
                await Timing.UntilAsync(pausedAt + 2 * Lease);
                var byOther = Of(published.Snapshot(), fast).Where(m => m.ArrivedAt > pausedAt && m.Pid != publisherPid).ToList();
                paused.Resume();
                var resumedAt = DateTimeOffset.UtcNow;
                byOther.Should().NotBeEmpty($"the other replica takes over while round {round + 1}'s publisher is frozen\n{Describe(replicas)}");
                // Five more runs from the other one after the resume: the resumed process has had time to push anything stale.
                await Poll.UntilAsync(() => Task.FromResult(Of(published.Snapshot(), fast).Count(m => m.ArrivedAt > resumedAt && m.Pid != publisherPid) >= 5),
                    TimeSpan.FromSeconds(20), () => Describe(replicas));
                var fromResumed = Of(published.Snapshot(), fast).Where(m => m.ArrivedAt > resumedAt && m.Pid == publisherPid).ToList();
                fromResumed.Should().BeEmpty($"a process that lost its lease while frozen publishes nothing after resuming (round {round + 1})\n{Describe(replicas)}");
                rounds.Add($"round {round + 1}: pid {publisherPid} frozen at due {offsetsMs[round]:+0;-0} ms for {(resumedAt - pausedAt).TotalSeconds:0.0} s; " +
                           $"the other published its first run {(byOther[0].ArrivedAt - pausedAt).TotalMilliseconds:0} ms after the freeze; nothing from the resumed one, " +
                           $"which logged: {string.Join(" | ", paused.Output.Split('\n').Where(l => l.Contains("lease", StringComparison.OrdinalIgnoreCase)).Select(l => l.Trim()))}");
            }
            await StopAllAsync(replicas);
            await published.DisposeAsync();

            var runs = RunSeries.Match(fast, TimeSpan.FromSeconds(1), Of(published.Snapshot(), fast));
            var context = string.Join("\n", rounds) + "\n" + Context(replicas, runs);
            AssertExactlyOnceWithoutGaps(runs, context);
            foreach (var line in rounds) output.WriteLine(line);
            output.WriteLine($"{runs.Runs.Count} runs, none twice, none missing");
        }
        finally
        {
            foreach (var replica in replicas)
            {
                if (!replica.HasExited) replica.Resume();
                await replica.DisposeAsync();
            }
        }
    }

    public void Dispose() => _files.Dispose();

    /// <summary>
    /// Empties the broker's database (each test starts with no lease, state or messages) and writes a
    /// schedule of interval entries (name → seconds), each sending <c>interop.echo(name)</c>, so a message tells its entry.
    /// </summary>
    private async Task<string> FreshScheduleAsync(Dictionary<string, double> intervals)
    {
        await cluster.Broker.CommandAsync("FLUSHDB");
        var schedule = new JsonObject();
        foreach (var (name, seconds) in intervals)
            schedule[name] = new JsonObject { ["task"] = "interop.echo", ["schedule"] = seconds, ["args"] = new JsonArray(name) };
        return _files.WriteSchedule(schedule);
    }

    /// <summary>A <c>--beat-only</c> replica with a state file of its own (replicas coordinate through Redis), awaited until <c>ready</c>.</summary>
    private Task<ManagedProcess> StartReplicaAsync(string schedule, string name) =>
        CeleriacBeatProcess.StartAsync(cluster.Endpoints, schedule, Path.Combine(_files.Directory, $"state-{name}.json"));

    private static bool IsOf(PublishedMessage message, string entry) =>
        message.Args.Count > 0 && message.Args[0]?.GetValueKind() == System.Text.Json.JsonValueKind.String && message.Args[0]!.GetValue<string>() == entry;

    private static List<PublishedMessage> Of(IEnumerable<PublishedMessage> messages, string entry) => messages.Where(m => IsOf(m, entry)).ToList();

    private static long[] FractionsOf(RunSeries series) => series.Runs.Count == 0 ? [] : [BeatRunId.FractionTicks(series.FirstSlot)];

    /// <summary>The first slot of a 1 s entry at or after <paramref name="after"/>.</summary>
    private static DateTimeOffset NextDue(DateTimeOffset firstSlot, DateTimeOffset after) =>
        firstSlot + TimeSpan.FromSeconds(Math.Ceiling((after - firstSlot).TotalSeconds));

    /// <summary>Lets the replicas run for <paramref name="duration"/>, failing at once if one exits.</summary>
    private static async Task RunForAsync(TimeSpan duration, IReadOnlyList<ManagedProcess> replicas)
    {
        var until = DateTimeOffset.UtcNow + duration;
        while (DateTimeOffset.UtcNow < until)
        {
            if (replicas.FirstOrDefault(r => r.HasExited) is { } gone)
                throw new InvalidOperationException($"{gone.Name} exited with {gone.ExitCode}\n{Describe(replicas)}");
            await Task.Delay(200);
        }
    }

    /// <summary>SIGTERM to every replica: each must stop with status 0 (docs/interop.md, "Beat"). Returns when the stop began.</summary>
    private static async Task<DateTimeOffset> StopAllAsync(IReadOnlyList<ManagedProcess> replicas)
    {
        var stoppedAt = DateTimeOffset.UtcNow;
        foreach (var replica in replicas) replica.Terminate();
        foreach (var replica in replicas)
            (await replica.WaitForExitAsync(TimeSpan.FromSeconds(20))).Should().Be(0, $"--beat-only stops on SIGTERM with status 0\n{replica.Describe()}");
        return stoppedAt;
    }

    private static void AssertExactlyOnceWithoutGaps(RunSeries series, string context)
    {
        series.Runs.Should().NotBeEmpty(context);
        series.Unknown.Should().BeEmpty($"every message's id is uuid5 of {series.Entry} and one of its slots\n{context}");
        series.Duplicates.Should().BeEmpty($"no run of {series.Entry} is published twice\n{context}");
        series.Missing.Should().BeEmpty($"no run of {series.Entry} is lost\n{context}");
    }

    /// <summary>In slot order, each process publishes one unbroken stretch: two never alternate.</summary>
    private static void AssertOnePublisherAtATime(IReadOnlyList<RunSeries> series, IReadOnlyList<ManagedProcess> replicas, string context)
    {
        var blocks = PublisherBlocks(series);
        blocks.Should().OnlyHaveUniqueItems($"one publisher at a time: publishers in slot order were {string.Join(" → ", blocks)}\n{context}");
        blocks.Should().OnlyContain(pid => replicas.Any(r => r.Pid == pid), context);
    }

    /// <summary>The publishing pids in slot order, consecutive repeats collapsed.</summary>
    private static List<int> PublisherBlocks(IReadOnlyList<RunSeries> series)
    {
        var blocks = new List<int>();
        foreach (var run in series.SelectMany(s => s.Runs).OrderBy(r => r.Slot))
            if (blocks.Count == 0 || blocks[^1] != run.Message.Pid) blocks.Add(run.Message.Pid);
        return blocks;
    }

    private static string Describe(IEnumerable<ManagedProcess> processes) => string.Join("\n", processes.Select(p => p.Describe()));

    private static string Context(IEnumerable<ManagedProcess> processes, params RunSeries[] series) =>
        string.Join("\n", series.Select(s => s.Describe())) + "\n" + Describe(processes);
}
