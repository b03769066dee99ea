using System.Text;
using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Redis.Transport;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// Named exchanges (docs/protocol.md §2.2, §2.5–2.7): direct and topic routing through the
/// <c>_kombu.binding.*</c> sets, fanout by PUBLISH, and the members kombu writes for each.
/// </summary>
public sealed class RoutingTests(RedisServerFixture redis) : TransportTestBase(redis)
{
    private const string Sep = "\u0006\u0016";

    [RedisFact]
    public async Task A_topic_exchange_routes_by_kombus_stored_pattern()
    {
        var vector = SharedVectors.Load("task_v2_topic_exchange_route");
        Transport.DeclareExchange("tex", ExchangeKind.Topic);

        await Transport.BindQueueAsync("q_topic", "tex", "a.#");
        await Transport.PublishAsync(ComplianceMessages.Task(1), new DeliveryInfo("tex", "a.b.c"));
        await Transport.PublishAsync(ComplianceMessages.Task(2), new DeliveryInfo("tex", "b.c"));

        var members = (await Raw.RunAsync("SMEMBERS", Prefix + "_kombu.binding.tex")).AsArray().Select(m => m.AsString()).ToList();
        members.Should().Equal(vector["binding_sets"]!["_kombu.binding.tex"]![0]!.GetValue<string>());
        var queued = await Raw.ListAsync(Prefix + "q_topic");
        queued.Should().HaveCount(1, "b.c matches no binding and is dropped, as kombu drops it");
        var envelope = KombuEnvelope.Decode(Encoding.UTF8.GetBytes(queued[0]));
        envelope.DeliveryInfo.Should().Be(new DeliveryInfo("tex", "a.b.c"));
        envelope.Message.Headers["x_index"]!.GetValue<int>().Should().Be(1);
    }

    [RedisFact]
    public async Task A_topic_binding_written_by_python_routes_our_publish()
    {
        // Python wrote the binding; this process only knows the exchange is a topic exchange.
        await Raw.RunAsync("SADD", Prefix + "_kombu.binding.events", $"task.*{Sep}^task\\..*?[^\\.]$" + Sep + "tasks_q");
        await Raw.RunAsync("SADD", Prefix + "_kombu.binding.events", $"#{Sep}^.*?${Sep}all_q");
        Transport.DeclareExchange("events", ExchangeKind.Topic);

        await Transport.PublishAsync(ComplianceMessages.Task(), new DeliveryInfo("events", "task.sent"));
        await Transport.PublishAsync(ComplianceMessages.Task(), new DeliveryInfo("events", "worker.online"));

        (await Raw.RunAsync("LLEN", Prefix + "tasks_q")).AsInt64().Should().Be(1);
        (await Raw.RunAsync("LLEN", Prefix + "all_q")).AsInt64().Should().Be(2);
    }

    [RedisFact]
    public async Task A_direct_exchange_delivers_to_every_queue_bound_with_the_key_and_keeps_priority()
    {
        await Transport.BindQueueAsync("d1", "direct_x", "jobs");
        await Transport.BindQueueAsync("d2", "direct_x", "jobs");
        await Transport.BindQueueAsync("d3", "direct_x", "other");
        var message = ComplianceMessages.Task();
        message.Properties.Priority = 6;

        await Transport.PublishAsync(message, new DeliveryInfo("direct_x", "jobs"));

        (await Raw.RunAsync("LLEN", Prefix + "d1" + Sep + "6")).AsInt64().Should().Be(1);
        (await Raw.RunAsync("LLEN", Prefix + "d2" + Sep + "6")).AsInt64().Should().Be(1);
        (await Raw.RunAsync("EXISTS", Prefix + "d3", Prefix + "d3" + Sep + "6")).AsInt64().Should().Be(0);
        (await Raw.RunAsync("SMEMBERS", Prefix + "_kombu.binding.direct_x")).AsArray().Select(m => m.AsString())
            .Should().BeEquivalentTo($"jobs{Sep}{Sep}d1", $"jobs{Sep}{Sep}d2", $"other{Sep}{Sep}d3");
    }

    [RedisFact]
    public async Task A_binding_added_by_another_process_is_seen_at_once()
    {
        await Transport.BindQueueAsync("first", "late_x", "k");
        await Transport.PublishAsync(ComplianceMessages.Task(), new DeliveryInfo("late_x", "k2"));
        await Raw.RunAsync("SADD", Prefix + "_kombu.binding.late_x", $"k2{Sep}{Sep}second");

        await Transport.PublishAsync(ComplianceMessages.Task(), new DeliveryInfo("late_x", "k2"));

        (await Raw.RunAsync("LLEN", Prefix + "second")).AsInt64().Should().Be(1, "a miss in the cached binding set reads the set again");
    }

    [RedisFact]
    public async Task Unroutable_messages_go_to_the_dead_letter_queue_when_one_is_set()
    {
        await using var transport = TestTransports.Create(Redis.Server, Prefix, ("deadletter_queue", "dead"));

        await transport.PublishAsync(ComplianceMessages.Task(), new DeliveryInfo("nowhere", "k"));

        (await Raw.RunAsync("LLEN", Prefix + "dead")).AsInt64().Should().Be(1);
    }

    [RedisFact]
    public async Task Celery_fanout_exchanges_publish_on_the_db_channel_and_subscriptions_write_kombus_member()
    {
        await using var listener = await Raw.OpenSubscriberAsync();
        await listener.PatternSubscribeAsync([Prefix + "/0.*"]);
        var pidbox = await Transport.SubscribeAsync("celery.pidbox", "", "celery@node.celery.pidbox");

        await Transport.PublishAsync(ComplianceMessages.Task(), new DeliveryInfo("celeryev", "worker.heartbeat"));
        await Transport.PublishAsync("celery.pidbox", "", ComplianceMessages.Task());

        (await Eventually.ReceiveAsync(listener.Messages, Timeout)).Channel.Should().Be(Prefix + "/0.celeryev/worker.heartbeat");
        (await Eventually.ReceiveAsync(listener.Messages, Timeout)).Channel.Should().Be(Prefix + "/0.celery.pidbox");
        var members = (await Raw.RunAsync("SMEMBERS", Prefix + "_kombu.binding.celery.pidbox")).AsArray().Select(m => m.AsString());
        members.Should().Equal($"{Sep}{Sep}celery@node.celery.pidbox");
        using var cts = new CancellationTokenSource(Timeout);
        var got = await pidbox.ReceiveAsync(cts.Token);
        got!.Exchange.Should().Be("celery.pidbox");
        got.RoutingKey.Should().Be("");
        await pidbox.DisposeAsync();
        (await Raw.RunAsync("EXISTS", Prefix + "_kombu.binding.celery.pidbox")).AsInt64().Should().Be(0);
    }

    [RedisFact]
    public async Task A_malformed_fanout_payload_arrives_as_malformed()
    {
        var subscription = await Transport.SubscribeAsync("celeryev", "#", "celeryev.test");

        await Raw.RunAsync("PUBLISH", Prefix + "/0.celeryev/worker.online", "not json");
        await Transport.PublishAsync("celeryev", "worker.online", ComplianceMessages.Task());

        using var cts = new CancellationTokenSource(Timeout);
        var bad = await subscription.ReceiveAsync(cts.Token);
        bad!.Malformed.Should().NotBeNull();
        bad.Message.Should().BeNull();
        bad.RoutingKey.Should().Be("worker.online");
        (await subscription.ReceiveAsync(cts.Token))!.Message.Should().NotBeNull("the subscription goes on after bad input");
        await subscription.DisposeAsync();
    }
}
