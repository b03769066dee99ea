using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// kombu's Redis bookkeeping (docs/protocol.md §2): the <c>unacked</c> entry holds an envelope we must read,
/// and the binding-set members, subscriptions and BRPOP key order a Redis transport must reproduce.
/// </summary>
public class RedisBookkeepingVectorTests
{
    private const string Sep = "\u0006\u0016";

    [Fact]
    public void Unacked_entry_is_envelope_exchange_and_routing_key_under_the_delivery_tag()
    {
        var v = Vector.Load(VectorCatalog.UnackedEntry);
        var hset = v.Obj("hset");
        var zadd = v.Obj("zadd");

        var entry = JsonNode.Parse(hset.Str("value_raw"))!.AsArray();
        JsonComparer.Ordered.AssertEqual(hset["value_decoded"], entry, "unacked value");
        entry.Should().HaveCount(3);

        var env = KombuEnvelope.Decode(entry[0]!.AsObject());
        env.DeliveryTag.Should().Be(hset.Str("field")).And.Be(zadd.Str("member"));
        env.DeliveryInfo.Should().Be(new DeliveryInfo(entry[1]!.GetValue<string>(), entry[2]!.GetValue<string>()));
        hset.Str("key").Should().Be("unacked");
        zadd.Str("key").Should().Be("unacked_index");
        double.Parse(zadd.Str("score"), CultureInfo.InvariantCulture).Should().BeGreaterThan(1.7e9, "the score is the delivery's Unix time");

        var task = TaskMessageCodec.Decode(env.Message, [ContentTypes.Json]);
        task.Task.Should().Be("tasks.add");
        JsonComparer.Ordered.AssertEqual(entry[0], env.Document, "the document is kept as read, for a restore");
    }

    [Fact]
    public void Ack_removes_the_index_and_the_entry() =>
        Vector.Load(VectorCatalog.UnackedEntry).Arr("ack_commands").Select(c => c!.GetValue<string>())
            .Should().Equal("ZREM unacked_index <delivery_tag>", "HDEL unacked <delivery_tag>");

    [Fact]
    public void Binding_members_are_routing_key_pattern_and_queue()
    {
        foreach (var cmd in Vector.Load(VectorCatalog.BindingsAndSubscriptions).Arr("binding_commands"))
        {
            cmd.Str("command").Should().BeOneOf("SADD", "SREM");
            var exchange = cmd.Str("key")["_kombu.binding.".Length..];
            cmd.Str("key").Should().StartWith("_kombu.binding.");
            var parts = cmd.Str("member").Split(Sep);
            parts.Should().HaveCount(3, cmd.Str("member"));
            var (routingKey, pattern, queue) = (parts[0], parts[1], parts[2]);
            pattern.Should().BeEmpty("only topic exchanges store a pattern");
            switch (exchange)
            {
                case "reply.celery.pidbox":
                    queue.Should().Be(routingKey + ".reply.celery.pidbox");
                    break;
                case "celery.pidbox":
                    routingKey.Should().BeEmpty();
                    queue.Should().Be("celery@testhost.celery.pidbox");
                    break;
                case "celeryev":
                    routingKey.Should().Be("worker.#");
                    queue.Should().StartWith("celeryev.");
                    break;
                default:
                    // Direct queues: exchange, routing key and queue share the name.
                    routingKey.Should().Be(exchange);
                    queue.Should().Be(exchange);
                    break;
            }
        }
    }

    [Fact]
    public void Topic_binding_stores_the_pattern_as_a_regex()
    {
        var sets = Vector.Load("task_v2_topic_exchange_route").Obj("binding_sets");
        sets.Arr("_kombu.binding.tex")[0]!.GetValue<string>().Split(Sep).Should().Equal("a.#", @"^a\..*?$", "q_topic");
        sets.Arr("_kombu.binding.celery")[0]!.GetValue<string>().Split(Sep).Should().Equal("celery", "", "celery");
    }

    [Fact]
    public void Worker_subscribes_to_the_db_prefixed_fanout_channels()
    {
        var subs = Vector.Load(VectorCatalog.BindingsAndSubscriptions).Arr("subscriptions");
        subs.Select(s => $"{s.Str("command")} {s.Arr("channels")[0]}").Should().StartWith(
            ["PSUBSCRIBE /0.celery.pidbox", "PSUBSCRIBE /0.celeryev/worker.*"]);
    }

    [Fact]
    public void Brpop_lists_the_queue_then_its_priority_steps_with_a_one_second_timeout()
    {
        var brpop = Vector.Load(VectorCatalog.BindingsAndSubscriptions).Arr("example_worker_brpop").Select(x => x!.GetValue<string>());
        brpop.Should().Equal("BRPOP", "celery", "celery" + Sep + "3", "celery" + Sep + "6", "celery" + Sep + "9", "1");

        // Priority 5 lands on step 3 (docs/protocol.md §2.2), as captured.
        var priority5 = Vector.Load("task_v2_04_priority_5");
        priority5.Arr("messages")[0].Str("redis_key").Should().Be("celery" + Sep + "3");
        priority5.Arr("redis_keys_after_publish").Select(k => k!.GetValue<string>()).Should().Contain("celery" + Sep + "3");
    }

    [Fact]
    public void Restore_check_takes_the_mutex_and_scans_the_index()
    {
        var commands = Vector.Load(VectorCatalog.BindingsAndSubscriptions).Arr("example_unacked_restore_check")
            .Select(c => c!.AsArray().Select(x => x!.GetValue<string>()).ToList()).ToList();
        commands[0].Should().StartWith(["SET", "unacked_mutex"]).And.EndWith(["PX", "300000", "NX"]);
        commands[1].Should().StartWith(["ZREVRANGEBYSCORE", "unacked_index"]).And.EndWith(["0", "WITHSCORES"]);
        commands[2].Should().StartWith(["EVALSHA"]).And.Contain("unacked_mutex");
    }
}
