using Celeriac.Compliance;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Backend;
using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Backend.Support;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend;

/// <summary>
/// A 1,000-member group on Redis: readiness, completed count and join take a bounded number of
/// reads (counted with MONITOR), not one per member, and a join still waits for late members and
/// returns every value in member order (issue 10 item 10).
/// </summary>
public sealed class RedisGroupResultRoundTripTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const int Members = 1000;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [RedisFact]
    public async Task Ready_completed_count_and_join_of_a_thousand_members_take_a_few_reads_and_join_waits_for_late_members()
    {
        await using var app = CeleriacApp.Create(o =>
        {
            o.UseRedis();
            o.ResultBackend = redis.Server.Url(1);
        });
        await using var worker = TestBackends.Create(redis.Server);
        await using var raw = new RedisClient(redis.Server.Options(database: 1));
        var prefix = ComplianceResults.NewId()[..8];
        var ids = Enumerable.Range(0, Members).Select(i => $"{prefix}-{i:D4}").ToList();
        // Every third member fails, every hundredth is late (pending until the join waits), the rest succeed.
        var late = Enumerable.Range(0, Members).Where(i => i % 100 == 50).ToList();
        ResultMeta Meta(int i) => i % 3 == 1 ? ComplianceResults.Failure(ids[i]) : ComplianceResults.Success(ids[i], result: i);
        await worker.StoreAsync(Enumerable.Range(0, Members).Except(late).Select(Meta).ToList());
        var group = new GroupResult(app, ids.Select(id => (ITaskResult)app.Result(id)).ToList());
        var succeeded = Enumerable.Range(0, Members).Count(i => i % 3 != 1 && !late.Contains(i));
        await using var monitor = await MonitorRecorder.StartAsync(redis.Server.Port);

        (await group.IsReadyAsync()).Should().BeFalse();
        await MarkAsync(raw, prefix + "-ready");
        (await group.CompletedCountAsync()).Should().Be(succeeded);
        await MarkAsync(raw, prefix + "-count");
        var ready = await ReadsAsync(monitor, prefix, prefix + "-ready");
        var count = await ReadsAsync(monitor, prefix, prefix + "-count");
        ready.Should().Be(1, "readiness reads 1,000 members with one MGET");
        (count - ready).Should().Be(1, "the completed count reads 1,000 members with one MGET");
        var joining = group.JoinAsync(Within, propagate: false);
        var waiters = ((RedisResultBackend)app.Backend).Waiters;
        await Eventually.SucceedsAsync(() => waiters.SubscribedCount == late.Count
            ? Task.FromResult(true) : throw new InvalidOperationException($"{waiters.SubscribedCount} of {late.Count} late members subscribed"), Within);
        joining.IsCompleted.Should().BeFalse("the late members are not stored yet");
        foreach (var i in Enumerable.Reverse(late)) await worker.StoreAsync([Meta(i)]);
        var values = await joining;
        await MarkAsync(raw, prefix + "-join");

        for (var i = 0; i < Members; i++)
        {
            if (i % 3 == 1) values[i]!["exc_type"]!.GetValue<string>().Should().Be("ValueError", $"member {i} failed");
            else values[i]!.GetValue<int>().Should().Be(i, $"member {i} is in its place");
        }
        var propagating = () => group.JoinAsync(Within);
        (await propagating.Should().ThrowAsync<TaskFailedException>()).Which.TaskId.Should().Be(ids[1], "the first failure in member order");

        var join = await ReadsAsync(monitor, prefix, prefix + "-join");
        (join - count).Should().BeInRange(2, 2 + late.Count, "a join reads all members once and the late ones once after subscribing (in one MGET per SUBSCRIBE)");
    }

    private static async Task MarkAsync(RedisClient raw, string marker) => await raw.ExecuteAsync(new RedisCommand("ECHO", marker));

    // GETs and MGETs of this test's result keys sent before the marker.
    private static async Task<int> ReadsAsync(MonitorRecorder monitor, string prefix, string marker) =>
        (await monitor.UntilAsync(marker, Within)).Count(c => !c.FromScript && c.Name is "GET" or "MGET"
            && c.Arguments.Skip(1).Any(a => a.StartsWith("celery-task-meta-" + prefix, StringComparison.Ordinal)));
}
