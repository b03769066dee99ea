using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// The Celeriac worker as a process, with Python peers around it: killed with SIGKILL (acks late),
/// stopped with SIGTERM, fed malformed envelopes, and draining a prioritised backlog.
/// </summary>
public sealed class WorkerProcessTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>
{
    private static string NewQueue(string kind) => $"{kind}-{Guid.NewGuid().ToString("N")[..8]}";

    [InteropTheory]
    [InlineData("celeriac")]
    [InlineData("python")]
    public async Task Sigkill_with_acks_late_loses_nothing_unacked_messages_are_restored_after_the_visibility_timeout(string nextWorker)
    {
        const int count = 8;
        var queue = NewQueue("kill");
        var send = new TaskSendOptions { Queue = queue };
        await using var victim = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue],
            "--acks-late", "--visibility-timeout", "2", "--concurrency", "2", "--prefetch-multiplier", "2");
        var ids = (await Task.WhenAll(Enumerable.Range(0, count).Select(_ => cluster.Client.SendTaskAsync("interop.sleep", [1.0], options: send))))
            .Select(r => r.Id).ToList();

        // Mid-run: it holds several deliveries (running and reserved), none acked yet.
        await Poll.UntilAsync(async () => (await cluster.UnackedTaskIdsAsync(queue)).Count >= 3, TimeSpan.FromSeconds(15), victim.Describe);
        victim.KillHard();
        await victim.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var orphaned = await cluster.UnackedTaskIdsAsync(queue);
        orphaned.Should().NotBeEmpty("the killed worker held unacked messages");
        // Mid-run: some had not finished (one that stored its result but died before the ack may run again: at least once).
        (await cluster.StatusesAsync(orphaned)).Should().Contain(s => s != "SUCCESS", "the worker died while running them");

        ManagedProcess next;
        if (nextWorker == "celeriac")
        {
            // Ours restores timed-out deliveries at start and at least once per visibility timeout.
            next = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--visibility-timeout", "2", "--concurrency", "4");
        }
        else
        {
            // kombu 5.2 restores at start (and then only every 100 s): start it once they timed out.
            await Poll.UntilAsync(async () => await OldestUnackedAgeAsync() > TimeSpan.FromSeconds(2.2), TimeSpan.FromSeconds(10), () => "unacked deliveries did not age");
            next = await PythonWorker.StartAsync(cluster.Endpoints, [queue], concurrency: 4, visibilityTimeout: 2);
        }
        await using (next)
        {
            await cluster.WaitAllSucceededAsync(ids, TimeSpan.FromSeconds(40), () => victim.Describe() + "\n" + next.Describe());
            await Poll.UntilAsync(async () => (await cluster.UnackedTaskIdsAsync(queue)).Count == 0, TimeSpan.FromSeconds(10), next.Describe);
            (await cluster.QueueLengthAsync(queue)).Should().Be(0);
            output.WriteLine($"{orphaned.Count} unacked at the kill, all restored and run by the {nextWorker} worker");
            output.WriteLine(victim.Describe());
            output.WriteLine(next.Describe());
        }
    }

    [InteropFact]
    public async Task Sigterm_exits_0_and_puts_reserved_messages_back_on_the_queue()
    {
        const int count = 6;
        var queue = NewQueue("term");
        await using var worker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--concurrency", "1", "--prefetch-multiplier", "4");
        var ids = (await Task.WhenAll(Enumerable.Range(0, count).Select(_ =>
            cluster.Client.SendTaskAsync("interop.sleep", [1.0], options: new TaskSendOptions { Queue = queue })))).Select(r => r.Id).ToList();
        await Poll.UntilAsync(async () => (await cluster.UnackedTaskIdsAsync(queue)).Count >= 2, TimeSpan.FromSeconds(15), worker.Describe);

        worker.Terminate();
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(20));

        exitCode.Should().Be(0, worker.Describe());
        (await cluster.UnackedTaskIdsAsync(queue)).Should().BeEmpty("reserved messages go back to the queue, not wait for the visibility timeout; " + worker.Describe());
        var succeeded = (await cluster.StatusesAsync(ids)).Count(s => s == "SUCCESS");
        var waiting = await cluster.QueueLengthAsync(queue);
        (succeeded + waiting).Should().Be(count, "each task either finished before the exit or is back on the queue");
        waiting.Should().BeGreaterThan(0);
        output.WriteLine($"at exit: {succeeded} finished, {waiting} back on the queue");
        output.WriteLine(worker.Describe());

        // And they run on the next worker.
        await using var next = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--concurrency", "6");
        await cluster.WaitAllSucceededAsync(ids, TimeSpan.FromSeconds(20), next.Describe);
    }

    [InteropFact]
    public async Task Malformed_envelopes_are_dropped_and_the_worker_keeps_consuming()
    {
        var queue = NewQueue("bad");
        var key = "record:" + queue;
        await using var worker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue]);
        string[] garbage =
        [
            "this is not json",
            "[1, 2, 3]",
            "\"a string envelope\"",
            Envelope(queue, key, "bad-base64", body: "%%% not base64 %%%"),
            Envelope(queue, key, "no-delivery-tag", withDeliveryTag: false),
            Envelope(queue, key, "no-delivery-info", withDeliveryInfo: false),
            Envelope(queue, key, "no-headers", withHeaders: false),
            Envelope(queue, key, "pickle", contentType: "application/x-python-serialize",
                body: Convert.ToBase64String([0x80, 0x04, 0x95, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x5d, 0x94, 0x2e])),
            Envelope(queue, key, "body-not-a-list", body: Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"not": "a list"}"""))),
        ];
        foreach (var envelope in garbage) await cluster.Broker.CommandAsync("LPUSH", queue, envelope);

        var valid = await cluster.Client.SendTaskAsync("interop.record", [key, "valid"], options: new TaskSendOptions { Queue = queue });

        await cluster.WaitAllSucceededAsync([valid.Id], TimeSpan.FromSeconds(20), worker.Describe);
        worker.HasExited.Should().BeFalse(worker.Describe());
        (await cluster.Records.ListAsync("LRANGE", key, "0", "-1")).Should().Equal(["valid"], "no malformed message ran; " + worker.Describe());
        (await cluster.QueueLengthAsync(queue)).Should().Be(0, "none is retried forever");
        await Poll.UntilAsync(async () => (await cluster.UnackedTaskIdsAsync(queue)).Count == 0, TimeSpan.FromSeconds(10), worker.Describe);
        (await cluster.Broker.IntegerAsync("HLEN", "unacked")).Should().Be(0, "no delivery stays unacked; " + worker.Describe());
        output.WriteLine(worker.Describe());
    }

    [InteropFact]
    public async Task A_backlog_sent_by_python_with_priorities_runs_lowest_number_first_like_kombu()
    {
        var queue = NewQueue("prio");
        var key = "record:" + queue;
        var specs = new List<object>();
        for (var i = 0; i < 3; i++)
            foreach (var priority in new[] { 9, 5, 0 })
                specs.Add(new { name = "interop.record", args = new object[] { key, $"p{priority}-{i}" }, priority, queue });
        var (ids, _) = await cluster.PythonClient.SendAsync([.. specs]);

        await using var worker = await CeleriacWorkerProcess.StartAsync(cluster.Endpoints, [queue], "--concurrency", "1", "--prefetch-multiplier", "1");
        await cluster.WaitAllSucceededAsync(ids, TimeSpan.FromSeconds(20), worker.Describe);

        (await cluster.Records.ListAsync("LRANGE", key, "0", "-1")).Should().Equal(
            "p0-0", "p0-1", "p0-2", "p5-0", "p5-1", "p5-2", "p9-0", "p9-1", "p9-2");
    }

    [InteropTheory]
    [InlineData("unreachable")]
    [InlineData("bad-scheme")]
    public async Task A_bad_or_unreachable_broker_exits_non_zero_with_a_clear_message(string broker)
    {
        var url = broker == "unreachable" ? $"redis://127.0.0.1:{Redis.Tests.Infrastructure.FreePort.Pick()}/0" : "nosuch://127.0.0.1/0";
        await using var worker = ManagedProcess.Start("celeriac worker (bad broker)", "dotnet", [Prerequisites.InteropWorkerDll, "--queues", NewQueue("nowhere")],
            Prerequisites.PythonDirectory, new Dictionary<string, string?> { ["CELERY_BROKER_URL"] = url, ["CELERY_RESULT_BACKEND"] = cluster.Endpoints.BackendUrl });

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        exitCode.Should().NotBe(0, worker.Describe());
        worker.Output.Should().Contain("error").And.NotContain("ready");
        output.WriteLine(worker.Describe());
    }

    private async Task<TimeSpan> OldestUnackedAgeAsync()
    {
        var oldest = (object?[])(await cluster.Broker.CommandAsync("ZRANGE", "unacked_index", "0", "0", "WITHSCORES"))!;
        if (oldest.Length < 2) return TimeSpan.Zero;
        var delivered = double.Parse((string)oldest[1]!, System.Globalization.CultureInfo.InvariantCulture);
        return DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds((long)(delivered * 1000));
    }

    /// <summary>A kombu envelope for <c>interop.record(key, token)</c>, with parts left out or replaced.</summary>
    private static string Envelope(string queue, string key, string token, string? body = null, string contentType = "application/json",
        bool withDeliveryTag = true, bool withDeliveryInfo = true, bool withHeaders = true)
    {
        var id = Guid.NewGuid().ToString();
        body ??= Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonArray(new JsonArray(key, token), new JsonObject(),
            new JsonObject { ["callbacks"] = null, ["errbacks"] = null, ["chain"] = null, ["chord"] = null }).ToJsonString()));
        var properties = new JsonObject
        {
            ["correlation_id"] = id,
            ["reply_to"] = "",
            ["delivery_mode"] = 2,
            ["priority"] = 0,
            ["body_encoding"] = "base64",
        };
        if (withDeliveryInfo) properties["delivery_info"] = new JsonObject { ["exchange"] = "", ["routing_key"] = queue };
        if (withDeliveryTag) properties["delivery_tag"] = Guid.NewGuid().ToString();
        var envelope = new JsonObject
        {
            ["body"] = body,
            ["content-encoding"] = "utf-8",
            ["content-type"] = contentType,
            ["properties"] = properties,
        };
        if (withHeaders)
        {
            envelope["headers"] = new JsonObject
            {
                ["lang"] = "py", ["task"] = "interop.record", ["id"] = id, ["root_id"] = id, ["parent_id"] = null, ["group"] = null,
                ["shadow"] = null, ["eta"] = null, ["expires"] = null, ["retries"] = 0, ["timelimit"] = new JsonArray(null, null),
                ["argsrepr"] = "(...)", ["kwargsrepr"] = "{}", ["origin"] = "interop-test",
            };
        }
        return envelope.ToJsonString();
    }
}
