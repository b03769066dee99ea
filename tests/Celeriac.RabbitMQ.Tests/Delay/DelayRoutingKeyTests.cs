using Celeriac.RabbitMQ.Delay;

namespace Celeriac.RabbitMQ.Tests.Delay;

/// <summary>The delay topology's routing keys and binding keys, as Celery 5.5 computes them.</summary>
public sealed class DelayRoutingKeyTests
{
    [Fact]
    public void A_countdown_of_75_passes_levels_6_3_1_and_0()
    {
        var key = DelayRoutingKey.For(75, "celery");

        key.Should().Be(string.Concat(Enumerable.Repeat("0.", 21)) + "1.0.0.1.0.1.1.celery");
        DelayRoutingKey.Levels(key).Should().Equal(6, 3, 1, 0);
    }

    [Fact]
    public void The_key_has_28_binary_words_most_significant_first_then_the_queue_key()
    {
        var key = DelayRoutingKey.For(DelayRoutingKey.MaxSeconds, "orders.high");
        key.Split('.').Take(28).Should().AllBe("1");
        key.Should().EndWith(".orders.high");
        DelayRoutingKey.For(1, "q").Should().Be(string.Concat(Enumerable.Repeat("0.", 27)) + "1.q");
    }

    [Fact]
    public void Waits_beyond_28_bits_are_clamped_and_come_round_again()
    {
        DelayRoutingKey.For(DelayRoutingKey.MaxSeconds + 100, "q").Should().Be(DelayRoutingKey.For(DelayRoutingKey.MaxSeconds, "q"));
        DelayRoutingKey.For(-5, "q").Should().Be(DelayRoutingKey.For(0, "q"));
    }

    [Fact]
    public void A_level_queue_takes_its_own_bit_and_passes_a_zero_on()
    {
        NativeDelayTopology.QueueBindingKey(27).Should().Be("1.#");
        NativeDelayTopology.PassOnBindingKey(27).Should().Be("0.#");
        NativeDelayTopology.QueueBindingKey(6).Should().Be(string.Concat(Enumerable.Repeat("*.", 21)) + "1.#");
        NativeDelayTopology.PassOnBindingKey(0).Should().Be(string.Concat(Enumerable.Repeat("*.", 27)) + "0.#");
        NativeDelayTopology.DeliveryBindingKey("celery").Should().Be("#.celery");
        NativeDelayTopology.DeliveryBindingKey("#.any").Should().Be("#.any", "kombu keeps a key that starts with #");
    }

    [Fact]
    public void Level_queues_carry_celery_5_5s_arguments()
    {
        var quorum = NativeDelayTopology.QueueArguments(27, "quorum");
        quorum.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-overflow"] = "reject-publish",
            ["x-message-ttl"] = 134_217_728_000L,
            ["x-dead-letter-exchange"] = "celery_delayed_26",
            ["x-dead-letter-strategy"] = "at-least-once",
        });
        var classic = NativeDelayTopology.QueueArguments(0, "classic");
        classic.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["x-queue-type"] = "classic",
            ["x-overflow"] = "reject-publish",
            ["x-message-ttl"] = 1000,
            ["x-dead-letter-exchange"] = "celery_delayed_delivery",
        });
    }
}
