using System.Collections.Concurrent;
using Celeriac.Beat;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;

namespace Celeriac.Redis.Tests.Beat;

/// <summary>
/// Celery's <c>worker -B</c> on Redis, end to end: two workers embed a beat (<see cref="Celeriac.Worker.WorkerOptions.RunBeat"/>)
/// on one broker; the runs go through the Redis beat store onto kombu's list and the workers run
/// them — each run once, carrying the task id derived from its entry and slot.
/// </summary>
public sealed class RedisWorkerBeatTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _prefix = TestTransports.NewPrefix();

    [RedisFact]
    public async Task Two_workers_with_embedded_beats_run_each_scheduled_run_once()
    {
        var ran = new ConcurrentQueue<(string TaskId, long Argument)>();
        var apps = new List<CeleriacApp>();
        var workers = new List<Celeriac.Worker.CeleriacWorker>();
        for (var i = 0; i < 2; i++)
        {
            var app = CeleriacApp.Create(o =>
            {
                o.BrokerUrl = redis.Server.Url(0);
                o.BrokerTransportOptions["global_keyprefix"] = _prefix;
                o.UseRedis();
            });
            app.Task("tasks.tick", (Tasks.TaskArguments arguments, TaskContext context) => ran.Enqueue((context.TaskId, arguments.Args[0]!.GetValue<long>())));
            app.Beat.Add("tick", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "tasks.tick", args: [42L]);
            var worker = app.CreateWorker(w =>
            {
                w.Concurrency = 2;
                w.RunBeat = true;
                w.Beat = new BeatOptions { StateFile = null, Holder = $"worker-{i}" };
            });
            await worker.StartAsync();
            apps.Add(app);
            workers.Add(worker);
        }

        var deadline = DateTime.UtcNow + Patience;
        while (ran.Count < 4 && DateTime.UtcNow < deadline) await Task.Delay(50);
        foreach (var worker in workers) await worker.DisposeAsync();
        foreach (var app in apps) await app.DisposeAsync();

        ran.Should().HaveCountGreaterThanOrEqualTo(4);
        ran.Select(r => r.TaskId).Should().OnlyHaveUniqueItems("each run once, though two beats run");
        ran.Should().OnlyContain(r => r.Argument == 42);
        await using var raw = TestTransports.Client(redis.Server);
        var recorded = (await raw.RunAsync("HGET", _prefix + "celeriac.beat.default.state", "tick")).AsString()!;
        recorded.Should().Contain("\"total_run_count\":");
        var lastId = System.Text.Json.Nodes.JsonNode.Parse(recorded)!["last_task_id"]!.GetValue<string>();
        ran.Select(r => r.TaskId).Should().Contain(lastId, "the state names the last run's task id, which a worker ran");
    }
}
