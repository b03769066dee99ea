using Celeriac.Beat;
using Celeriac.Beat.Store;
using Celeriac.Redis.Beat;
using Celeriac.Redis.Tests.Beat.Support;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;

namespace Celeriac.Redis.Tests.Beat;

/// <summary>
/// The broker going away under the beat store: calls fail with the client's exceptions while it is
/// down (the loop logs and retries), and the same store works again once it is back — the scripts
/// reloaded after the restart (NOSCRIPT → EVAL). Each test kills and restarts its own redis-server.
/// </summary>
public sealed class RedisBeatOutageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [RedisFact]
    public async Task Store_calls_fail_with_connection_errors_while_redis_is_down_and_work_again_after()
    {
        await using var server = await RedisServer.StartAsync();
        var prefix = TestTransports.NewPrefix();
        await using var transport = TestTransports.Create(server, prefix);
        var store = (RedisBeatStore)transport.OpenBeatStore("default");
        var lease = (await store.TryAcquireAsync("a", TimeSpan.FromSeconds(30), CancellationToken.None))!;
        await store.PublishAsync(lease, [BeatRuns.Run("e", BeatRuns.Origin)], CancellationToken.None);

        await server.StopAsync();
        var publishing = () => store.PublishAsync(lease, [BeatRuns.Run("e", BeatRuns.Origin.AddSeconds(1))], CancellationToken.None).AsTask();
        var acquiring = () => store.TryAcquireAsync("a", TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();
        await publishing.Should().ThrowAsync<RedisConnectionException>();
        await acquiring.Should().ThrowAsync<RedisConnectionException>();

        await server.StartAgainAsync(); // empty: the test server has no persistence, and no scripts
        var again = await Eventually.SucceedsAsync(async () => await store.TryAcquireAsync("a", TimeSpan.FromSeconds(30), CancellationToken.None), Patience);
        again.Should().NotBeNull();
        await publishing.Should().ThrowAsync<BeatLeaseLostException>("the old holding ended with the server's data, and its term is not given again");
        (await store.PublishAsync(again!, [BeatRuns.Run("e", BeatRuns.Origin.AddSeconds(1))], CancellationToken.None)).Published.Should().Be(1);
        (await store.ReadStateAsync(CancellationToken.None)).Should().ContainKey("e");
        again!.Term.Should().BeGreaterThan(lease.Term, "a term is never below the server's time, so it still grows when the counter was lost");
    }

    [RedisFact]
    public async Task A_beat_keeps_running_through_a_redis_restart_and_publishes_again()
    {
        await using var server = await RedisServer.StartAsync();
        var prefix = TestTransports.NewPrefix();
        await using var cluster = await BeatCluster.StartAsync(server, prefix, 1, app => app.Beat.Add("tick", new WholeSecondsSchedule(), "tasks.tick"));
        await cluster.WaitForAsync(s => s.Signal.Kind == BeatSignalKind.Published, Patience);

        await server.StopAsync();
        var stoppedAt = cluster.Clock.Elapsed;
        await cluster.WaitForAsync(s => s.Signal.Kind == BeatSignalKind.Error && s.At > stoppedAt, Patience);
        await server.StartAgainAsync();
        // The restarted server has no ACL users of the cluster: give the replica its user back.
        await cluster.RestoreUsersAsync();
        var restartedAt = cluster.Clock.Elapsed;

        var published = await cluster.WaitForAsync(s => s.Signal.Kind == BeatSignalKind.Published && s.At > restartedAt, Patience);
        published.Signal.Slot.Should().BeAfter(DateTimeOffset.UtcNow.AddSeconds(-10));
    }
}
