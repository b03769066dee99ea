using Celeriac.RabbitMQ.Broadcast;

namespace Celeriac.RabbitMQ.Tests.Broadcast;

/// <summary>The exchange kinds, binding keys and queue arguments the broadcast seam's names map to (docs/protocol.md §3.1).</summary>
public sealed class BroadcastTopologyTests
{
    [Theory]
    [InlineData("celeryev", "topic", true)]
    [InlineData("celery.pidbox", "fanout", false)]
    [InlineData("reply.celery.pidbox", "direct", false)]
    [InlineData("cx-test", "topic", false)]
    public void Fanout_use_maps_celerys_names_to_celerys_exchanges(string name, string type, bool durable) =>
        BroadcastTopology.Fanout(name).Should().Be(new BroadcastExchange(name, type, durable));

    [Fact]
    public void Direct_use_is_a_transient_direct_exchange() =>
        BroadcastTopology.Direct("reply.celery.pidbox").Should().Be(new BroadcastExchange("reply.celery.pidbox", "direct", false));

    [Fact]
    public void An_empty_binding_key_means_everything_on_a_topic_exchange_and_stays_empty_elsewhere()
    {
        BroadcastTopology.BindingKey(BroadcastTopology.Fanout("celeryev"), "").Should().Be("#");
        BroadcastTopology.BindingKey(BroadcastTopology.Fanout("celeryev"), "worker.#").Should().Be("worker.#");
        BroadcastTopology.BindingKey(BroadcastTopology.Fanout("celery.pidbox"), "").Should().Be("");
    }

    [Fact]
    public void Event_queues_and_mailbox_queues_get_celerys_ttls_as_integers()
    {
        BroadcastTopology.QueueArguments(BroadcastTopology.Fanout("celeryev"))
            .Should().BeEquivalentTo(new Dictionary<string, object?> { ["x-message-ttl"] = 5000, ["x-expires"] = 60000 });
        BroadcastTopology.QueueArguments(BroadcastTopology.Fanout("celery.pidbox"))
            .Should().BeEquivalentTo(new Dictionary<string, object?> { ["x-message-ttl"] = 300000, ["x-expires"] = 10000 });
        BroadcastTopology.QueueArguments(BroadcastTopology.Direct("reply.celery.pidbox"))
            .Should().BeEquivalentTo(new Dictionary<string, object?> { ["x-message-ttl"] = 300000, ["x-expires"] = 10000 });
    }
}
