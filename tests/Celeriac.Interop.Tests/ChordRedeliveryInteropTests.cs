using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Issue #5's "better than Celery" guarantee, end to end: a chord built by Python Celery 5.2 whose
/// header runs on a Celeriac worker with acks late, which is killed (SIGKILL) mid-header; its
/// unacked header tasks are redelivered to a second Celeriac worker, some of them after they had
/// already stored their result and joined the chord. Python's join would send the body again for
/// such a part; ours (<c>IChordJoin</c>, one Lua script) sends it exactly once.
/// </summary>
/// <remarks>
/// The body goes to a queue no worker consumes until the header is settled, so the number of body
/// messages published is read straight off the broker; then a worker runs it and Python reads the
/// chord's result.
/// </remarks>
[Trait("Needs", "worker-canvas")]
public sealed class ChordRedeliveryInteropTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>
{
    private const int HeaderSize = 8;

    [InteropFact]
    public async Task A_header_task_redelivered_after_a_sigkill_does_not_send_the_chord_body_twice()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (headerQueue, bodyQueue) = ($"chord-header-{suffix}", $"chord-body-{suffix}");
        // Slow parts (1 s each, 2 at a time) so the kill lands mid-header; interop.sleep returns its
        // argument. The visibility timeout (4 s) is what brings the killed worker's parts back; a part
        // that outlived it would also come back while running (as in kombu) and, after the join was
        // deleted, add itself to a fresh .j — a 1 s part under a loaded CI box needs the margin.
        var seconds = Enumerable.Repeat(1, HeaderSize).ToList();
        await using var victim = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [headerQueue],
            "--acks-late", "--visibility-timeout", "4", "--concurrency", "2", "--prefetch-multiplier", "2");

        var sent = await cluster.PythonClient.CanvasAsync(new
        {
            chord = seconds.Select(s => new { name = "interop.sleep", args = new object[] { s }, queue = headerQueue }).ToArray(),
            body = new { name = "interop.xsum", queue = bodyQueue },
        });
        var header = sent["ids"]!["header"]!.AsArray().Select(id => id!.GetValue<string>()).ToList();
        header.Should().HaveCount(HeaderSize);

        // Mid-header: some parts are in, others are running (unacked) on the victim.
        await Poll.UntilAsync(async () =>
                (await cluster.StatusesAsync(header)).Count(s => s == "SUCCESS") >= 1 && (await cluster.UnackedTaskIdsAsync(headerQueue)).Count >= 2,
            TimeSpan.FromSeconds(20), victim.Describe);
        victim.KillHard();
        await victim.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var orphaned = await cluster.UnackedTaskIdsAsync(headerQueue);
        orphaned.Should().NotBeEmpty("the killed worker held unacked header tasks");

        await using (var next = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [headerQueue], "--acks-late", "--visibility-timeout", "4", "--concurrency", "4"))
        {
            // Every header task ran to completion, and every redelivery has settled.
            await cluster.WaitAllSucceededAsync(header, TimeSpan.FromSeconds(40), () => victim.Describe() + "\n" + next.Describe());
            await Poll.UntilAsync(async () => (await cluster.UnackedTaskIdsAsync(headerQueue)).Count == 0 && await cluster.QueueLengthAsync(headerQueue) == 0,
                TimeSpan.FromSeconds(20), next.Describe);
            output.WriteLine($"{orphaned.Count} header task(s) unacked at the kill, redelivered to the second worker");
            output.WriteLine(victim.Describe());
            output.WriteLine(next.Describe());
        }

        (await cluster.QueueLengthAsync(bodyQueue)).Should().Be(1, "the chord body is sent exactly once, redelivered header parts included");

        await using var bodyWorker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [bodyQueue]);
        var result = await cluster.PythonClient.GetOneAsync(sent["id"]!.GetValue<string>(), 20);
        ((string?)result["repr"]).Should().Be(seconds.Sum().ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"the body summed every header result once: {result.ToJsonString()}\n{bodyWorker.Describe()}");
        await Poll.UntilAsync(async () => await cluster.QueueLengthAsync(bodyQueue) == 0 && (await cluster.UnackedTaskIdsAsync(bodyQueue)).Count == 0,
            TimeSpan.FromSeconds(10), bodyWorker.Describe);
        (await cluster.Results.IntegerAsync("EXISTS", $"celery-taskset-meta-{sent["ids"]!["group"]!.GetValue<string>()}.j"))
            .Should().Be(0, "the completing worker deleted the join");
    }
}
