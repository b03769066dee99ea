using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Beat.Store;
using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Beat.Support;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Redis.Transport;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Beat;

/// <summary>
/// The publish script on real Redis (docs/architecture.md "Beat"): the lease is checked in the same
/// atomic step that pushes, a slot not newer than the recorded one is refused, and what lands on
/// kombu's lists is what <see cref="RedisTransport.PublishAsync(BrokerMessage, DeliveryInfo, CancellationToken)"/> pushes.
/// </summary>
public sealed class RedisBeatPublishTests(RedisServerFixture redis) : BeatStoreTestBase(redis)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset T = BeatRuns.Origin;

    [RedisFact]
    public async Task Runs_are_pushed_in_order_recorded_with_them_and_received_by_the_transports_consumer()
    {
        var store = Store();
        var lease = (await store.TryAcquireAsync("a", Long, CancellationToken.None))!;
        BeatRun[] runs = [BeatRuns.Run("every", T), BeatRuns.Run("nightly", T), BeatRuns.Run("every", T.AddSeconds(1), count: 2)];

        var result = await store.PublishAsync(lease, runs, CancellationToken.None);

        result.Published.Should().Be(3);
        result.Duplicates.Should().BeEmpty();
        var consumer = await Transport.ConsumeAsync(["celery"]);
        var received = await consumer.ReceiveAsync(10, CancellationToken.None);
        received.Select(d => BeatRuns.IdOf(d.Message!)).Should().Equal(runs.Select(r => r.TaskId));
        received.Select(d => d.Route).Should().AllBeEquivalentTo(DeliveryInfo.ToQueue("celery"));
        await consumer.SettleAllAsync(received, SettleAction.Ack);
        await consumer.DisposeAsync();

        (await Raw.RunAsync("HGET", Key("slots"), "every")).AsInt64().Should().Be(T.AddSeconds(1).ToUnixTimeMilliseconds() * 1000);
        var state = JsonNode.Parse((await Raw.RunAsync("HGET", Key("state"), "every")).AsString()!)!;
        state["last_slot"]!.GetValue<string>().Should().Be("2026-12-07T12:00:01+00:00", "Python isoformat, as in the local state file");
        state["total_run_count"]!.GetValue<long>().Should().Be(2);
        state["last_task_id"]!.GetValue<string>().Should().Be(runs[2].TaskId);
    }

    [RedisFact]
    public async Task A_slot_not_later_than_the_recorded_one_is_a_duplicate_and_pushes_nothing()
    {
        var store = Store();
        var lease = (await store.TryAcquireAsync("a", Long, CancellationToken.None))!;
        await store.PublishAsync(lease, [BeatRuns.Run("e", T)], CancellationToken.None);
        var again = BeatRuns.Run("e", T);
        var older = BeatRuns.Run("e", T.AddSeconds(-1));
        var newer = BeatRuns.Run("e", T.AddSeconds(1));
        var other = BeatRuns.Run("f", T.AddSeconds(-5));

        var result = await SeparateStore().PublishAsync(lease, [again, older, newer, other], CancellationToken.None);

        result.Published.Should().Be(2);
        result.Duplicates.Should().Equal(again, older);
        (await QueuedAsync(Prefix + "celery")).Select(BeatRuns.IdOf).Should().Equal(BeatRuns.TaskId("e", T), newer.TaskId, other.TaskId);
        // A publish retried after its reply was lost finds every run recorded.
        var retried = await store.PublishAsync(lease, [newer, other], CancellationToken.None);
        retried.Published.Should().Be(0);
        retried.Duplicates.Should().HaveCount(2);
        (await Raw.RunAsync("LLEN", Prefix + "celery")).AsInt64().Should().Be(3);
    }

    [RedisFact]
    public async Task A_holder_paused_past_its_lease_pushes_and_records_nothing_it_prepared()
    {
        var store = Store();
        var lease = (await store.TryAcquireAsync("a", TimeSpan.FromMilliseconds(300), CancellationToken.None))!;
        var prepared = new[] { BeatRuns.Run("e", T), BeatRuns.Run("f", T) };
        await Eventually.SucceedsAsync(async () => (await Raw.RunAsync("EXISTS", Key("lease"))).AsInt64() == 0 ? true : throw new Exception("not yet"), TimeSpan.FromSeconds(10));

        var publishing = () => store.PublishAsync(lease, prepared, CancellationToken.None).AsTask();
        var writing = () => store.WriteStatesAsync(lease, new Dictionary<string, BeatEntryState> { ["g"] = new(T, 0) }, CancellationToken.None).AsTask();

        (await publishing.Should().ThrowAsync<BeatLeaseLostException>()).WithMessage($"*schedule '{Schedule}'*'a' (term {lease.Term})*");
        await writing.Should().ThrowAsync<BeatLeaseLostException>();
        (await Raw.RunAsync("EXISTS", Prefix + "celery", Key("slots"), Key("state"))).AsInt64().Should().Be(0, "nothing was pushed or recorded");
    }

    [RedisFact]
    public async Task A_holder_whose_lease_was_taken_over_pushes_nothing_while_the_new_holder_publishes()
    {
        var a = Store();
        var b = SeparateStore();
        var old = (await a.TryAcquireAsync("a", TimeSpan.FromMilliseconds(300), CancellationToken.None))!;
        var current = await Eventually.SucceedsAsync(async () => await b.TryAcquireAsync("b", Long, CancellationToken.None) ?? throw new Exception("not yet"), TimeSpan.FromSeconds(10));
        await b.PublishAsync(current, [BeatRuns.Run("e", T)], CancellationToken.None);

        var stale = () => a.PublishAsync(old, [BeatRuns.Run("e", T.AddSeconds(1)), BeatRuns.Run("f", T)], CancellationToken.None).AsTask();

        await stale.Should().ThrowAsync<BeatLeaseLostException>();
        (await QueuedAsync(Prefix + "celery")).Select(BeatRuns.IdOf).Should().Equal(BeatRuns.TaskId("e", T));
        (await Raw.RunAsync("HLEN", Key("slots"))).AsInt64().Should().Be(1);
        // Even the same holder name with its old term is fenced off once it holds again.
        await b.ReleaseAsync(current, CancellationToken.None);
        var renewedA = (await a.TryAcquireAsync("a", Long, CancellationToken.None))!;
        await stale.Should().ThrowAsync<BeatLeaseLostException>();
        (await a.PublishAsync(renewedA, [BeatRuns.Run("e", T.AddSeconds(1))], CancellationToken.None)).Published.Should().Be(1);
    }

    [RedisFact]
    public async Task Envelopes_equal_the_transports_own_publish_for_queues_priorities_and_named_exchanges()
    {
        // The same routes published by the transport under another prefix, for comparison.
        var otherPrefix = TestTransports.NewPrefix();
        await using var reference = TestTransports.Create(Redis.Server, otherPrefix);
        foreach (var transport in new[] { Transport, reference })
        {
            await transport.BindQueueAsync("bound1", "jobs", "nightly");
            await transport.BindQueueAsync("bound2", "jobs", "nightly");
        }
        var store = Store();
        var lease = (await store.TryAcquireAsync("a", Long, CancellationToken.None))!;
        var runs = new[]
        {
            BeatRuns.Run("plain", T),
            BeatRuns.Run("urgent", T, "celery", priority: 5),
            BeatRuns.Run("top", T, "other", priority: 9),
            BeatRuns.Run("routed", T, new DeliveryInfo("jobs", "nightly"), priority: 3),
        };

        await store.PublishAsync(lease, runs, CancellationToken.None);
        foreach (var run in runs) await reference.PublishAsync(run.Message, run.Route);

        string[] lists = ["celery", "celery\u0006\u00163", "other\u0006\u00169", "bound1\u0006\u00163", "bound2\u0006\u00163"];
        foreach (var list in lists)
        {
            var ours = await Raw.ListAsync(Prefix + list);
            var theirs = await Raw.ListAsync(otherPrefix + list);
            ours.Should().HaveCount(1, "list {0}", list);
            WithoutTag(ours[0]).ToJsonString().Should().Be(WithoutTag(theirs[0]).ToJsonString(), "list {0}", list);
        }
        (await Raw.RunAsync("KEYS", Prefix + "*")).AsArray().Should().HaveCount(lists.Length + 3 + 2, "the lists, lease, slots, state and the two bindings");
    }

    [RedisFact]
    public async Task A_run_to_a_fanout_exchange_is_published_on_its_channel_in_the_same_script()
    {
        Transport.DeclareExchange("broadcast", ExchangeKind.Fanout);
        await using var listener = await TestTransports.Client(Redis.Server).OpenSubscriberAsync();
        await listener.SubscribeAsync([Transport.Layout.FanoutChannel("broadcast", "all")]);
        var store = Store();
        var lease = (await store.TryAcquireAsync("a", Long, CancellationToken.None))!;
        var run = BeatRuns.Run("fan", T, new DeliveryInfo("broadcast", "all"));

        (await store.PublishAsync(lease, [run], CancellationToken.None)).Published.Should().Be(1);

        var heard = await Eventually.ReceiveAsync(listener.Messages, TimeSpan.FromSeconds(10));
        BeatRuns.IdOf(KombuEnvelope.Decode(Encoding.UTF8.GetBytes(heard.Payload)).Message).Should().Be(run.TaskId);
        (await Raw.RunAsync("HEXISTS", Key("slots"), "fan")).AsInt64().Should().Be(1);
    }

    private static JsonNode WithoutTag(string envelope)
    {
        var node = JsonNode.Parse(envelope)!;
        node["properties"]!.AsObject().Remove("delivery_tag").Should().BeTrue();
        return node;
    }
}
