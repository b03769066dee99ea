using Celeriac.Redis.Tests.Beat.Support;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;

namespace Celeriac.Redis.Tests.Beat;

/// <summary>What the beat store pushes is read by real kombu 5.2.4 (Python Celery 5.2.6's transport), priority lists included.</summary>
public sealed class RedisBeatKombuTests(RedisServerFixture redis) : BeatStoreTestBase(redis)
{
    [KombuPeerFact]
    public async Task Kombu_consumes_the_runs_the_beat_store_pushed_in_its_own_priority_order()
    {
        var store = Store();
        var lease = (await store.TryAcquireAsync("a", TimeSpan.FromSeconds(30), CancellationToken.None))!;
        var t = BeatRuns.Origin;
        var runs = new[] { BeatRuns.Run("low", t, "beat_py", priority: 6), BeatRuns.Run("plain", t, "beat_py"), BeatRuns.Run("plain", t.AddSeconds(1), "beat_py") };
        await store.PublishAsync(lease, runs, CancellationToken.None);

        var got = await KombuPeer.RunAsync("consume", Redis.Server.Url(0), "beat_py", "3", "--prefix", Prefix);

        got.Select(m => m["id"]!.GetValue<string>()).Should().Equal(runs[1].TaskId, runs[2].TaskId, runs[0].TaskId);
        got.Select(m => m["task"]!.GetValue<string>()).Should().Equal("tasks.beat_plain", "tasks.beat_plain", "tasks.beat_low");
        got[2]["priority"]!.GetValue<int>().Should().Be(6);
        (await Raw.RunAsync("KEYS", Prefix + "beat_py*")).AsArray().Should().BeEmpty("kombu took and acked all three");
    }
}
