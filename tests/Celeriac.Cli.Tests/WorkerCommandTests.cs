using System.Net;
using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>
/// <c>worker</c> with Celery's flags, run as samples/WorkerApp's own process (<c>app.RunCommandLineAsync(args)</c>)
/// on a real Redis: the banner, the queues it consumes, what <c>inspect stats</c> and the events show, and
/// Celery's signals — the first SIGINT or SIGTERM a warm shutdown, a second SIGINT a cold one.
/// </summary>
public sealed class WorkerCommandTests(WorkerAppCluster cluster) : IClassFixture<WorkerAppCluster>
{
    [RedisFact]
    public async Task Worker_flags_set_the_node_its_queues_slots_and_events_and_purge_empties_its_queues_first()
    {
        var node = "flags@" + Dns.GetHostName();
        await cluster.SendAsync("sample.add", "a", 1, 1);
        await cluster.SendAsync("sample.add", "a", 2, 2);
        using var stopEvents = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var online = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var succeeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = Task.Run(async () =>
        {
            await foreach (var e in cluster.Client.ReceiveEventsAsync("#", stopEvents.Token))
            {
                if (e.Hostname != node) continue;
                if (e.Type == "worker-online") online.TrySetResult();
                if (e.Type == "task-succeeded") succeeded.TrySetResult();
            }
        });

        await using var worker = WorkerProcess.Start(cluster.BrokerUrl, "-n", "flags@%h", "-c", "3", "-Q", "a,b", "-E", "-l", "INFO", "--purge");
        await worker.WaitReadyAsync();
        await online.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var a = await cluster.SendAsync("sample.add", "a", 2, 3);
        var b = await cluster.SendAsync("sample.add", "b", 4, 5);
        await cluster.SendAsync("sample.add", "c", 6, 7);
        (await a.GetAsync<int>(TimeSpan.FromSeconds(30))).Should().Be(5);
        (await b.GetAsync<int>(TimeSpan.FromSeconds(30))).Should().Be(9);
        await succeeded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stats = await CliRun.RunAsync("inspect", "stats", "-b", cluster.BrokerUrl, "-d", node, "--json", "-t", "5");
        worker.Signal(WorkerProcess.SigTerm);
        var exit = await worker.ExitCodeAsync();
        await stopEvents.CancelAsync();
        await events.ContinueWith(_ => { }, TaskScheduler.Default);

        exit.Should().Be(0, worker.ToString());
        worker.Output.Should().Contain("purge: Erased 2 messages from the queue.", "the two sent before it started");
        worker.Output.Should().Contain($" -------------- {node} v").And.Contain(".> concurrency: 3 (async)").And.Contain(".> task events: ON")
            .And.MatchRegex(@"\.> a +exchange=a\(direct\) key=a").And.MatchRegex(@"\.> b +exchange=b\(direct\) key=b")
            .And.Contain("[tasks]\n  . sample.add\n  . sample.sleep").And.Contain($".> transport:   {cluster.BrokerUrl}");
        (await cluster.QueueLengthAsync("c")).Should().Be(1, "-Q a,b: queue c is not consumed");
        stats.ExitCode.Should().Be(0, stats.ToString());
        JsonNode.Parse(stats.Output)![node]!["pool"]!["max-concurrency"]!.GetValue<int>().Should().Be(3);
        worker.Error.Should().Contain("worker: Warm shutdown (MainProcess)");
    }

    [RedisFact]
    public async Task Autoscale_shows_in_stats_and_a_first_SIGINT_lets_the_running_task_finish()
    {
        await using var worker = WorkerProcess.Start(cluster.BrokerUrl, "-n", "scale@test", "--autoscale", "4,1", "-Q", "slow", "-l", "INFO");
        await worker.WaitReadyAsync();
        var stats = await CliRun.RunAsync("inspect", "stats", "-b", cluster.BrokerUrl, "-d", "scale@test", "--json", "-t", "5");
        var sleep = await cluster.SendAsync("sample.sleep", "slow", 1.5);
        await worker.WaitForAsync("Sleeping 1.5 s");
        worker.Signal(WorkerProcess.SigInt);

        (await sleep.GetAsync<double>(TimeSpan.FromSeconds(30))).Should().Be(1.5, "a warm shutdown lets a running task finish");
        (await worker.ExitCodeAsync()).Should().Be(0, worker.ToString());
        worker.Error.Should().Contain("worker: Warm shutdown (MainProcess)").And.NotContain("Cold shutdown");
        worker.Output.Should().Contain(".> concurrency: {min=1, max=4} (async)");
        stats.ExitCode.Should().Be(0, stats.ToString());
        var scaler = JsonNode.Parse(stats.Output)!["scale@test"]!["autoscaler"]!;
        (scaler["max"]!.GetValue<int>(), scaler["min"]!.GetValue<int>()).Should().Be((4, 1));
    }

    [RedisFact]
    public async Task A_second_SIGINT_is_a_cold_shutdown_that_gives_the_running_task_back()
    {
        await using var worker = WorkerProcess.Start(cluster.BrokerUrl, "-n", "cold@test", "-c", "1", "-Q", "cold", "-l", "INFO");
        await worker.WaitReadyAsync();
        await cluster.SendAsync("sample.sleep", "cold", 120);
        await worker.WaitForAsync("Sleeping 120 s");
        worker.Signal(WorkerProcess.SigInt);
        await worker.WaitForAsync("Warm shutdown");
        worker.Signal(WorkerProcess.SigInt);

        (await worker.ExitCodeAsync(20)).Should().Be(0, worker.ToString());
        worker.Error.Should().Contain("worker: Cold shutdown (MainProcess)");
        (await cluster.QueueLengthAsync("cold")).Should().Be(1, "sample.sleep acks late: cancelled by the cold shutdown, its message goes back");
    }

    [RedisFact]
    public async Task Beat_in_the_worker_sends_the_schedule_files_entries_and_debug_lists_the_builtin_tasks()
    {
        var schedule = Path.Combine(Path.GetTempPath(), $"celeriac-schedule-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(schedule, """{"tick": {"task": "sample.add", "schedule": 0.5, "args": [20, 22], "options": {"queue": "beatq"}}}""");
        try
        {
            await using var worker = WorkerProcess.Start(cluster.BrokerUrl, "-n", "beat@test", "-Q", "beatq", "-B", "-s", schedule, "-l", "DEBUG");
            await worker.WaitForAsync("succeeded in"); // a run of "tick", published by the beat, run by the worker
            worker.Signal(WorkerProcess.SigTerm);

            (await worker.ExitCodeAsync()).Should().Be(0, worker.ToString());
            worker.Error.Should().Contain("Task sample.add[");
            worker.Output.Should().Contain("  . celery.chord_unlock", "-l DEBUG lists the built-in tasks, as Celery does");
        }
        finally
        {
            File.Delete(schedule);
        }
    }

    [RedisFact]
    public async Task A_bad_flag_value_exits_2_with_one_line_before_anything_starts()
    {
        await using var worker = WorkerProcess.Start(cluster.BrokerUrl, "--autoscale", "ten");

        (await worker.ExitCodeAsync()).Should().Be(2, worker.ToString());
        worker.Error.Trim().Should().Be("celeriac: --autoscale 'ten': expected MAX,MIN (two whole numbers) or MAX");
        worker.Output.Should().BeEmpty();
    }
}
