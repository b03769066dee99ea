using Celeriac.Redis.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>Parsing <c>broker_transport_options</c> as Celery users write them (docs/protocol.md §2.8).</summary>
public sealed class OptionsTests
{
    [Fact]
    public void Defaults_are_kombus()
    {
        var options = RedisTransportOptions.Parse(new Dictionary<string, string>());

        options.VisibilityTimeout.Should().Be(TimeSpan.FromHours(1));
        options.PrioritySteps.Should().Equal(0, 3, 6, 9);
        options.Separator.Should().Be("\u0006\u0016");
        options.QueueOrder.Should().Be(QueueOrderStrategy.RoundRobin);
        options.GlobalKeyPrefix.Should().BeEmpty();
        (options.UnackedKey, options.UnackedIndexKey, options.UnackedMutexKey).Should().Be(("unacked", "unacked_index", "unacked_mutex"));
        options.UnackedMutexExpire.Should().Be(TimeSpan.FromSeconds(300));
        options.UnackedRestoreLimit.Should().BeNull();
        options.AckEmulation.Should().BeTrue();
        options.DeadLetterQueue.Should().BeNull();
        options.SweepInterval.Should().Be(TimeSpan.FromMinutes(1), "at least once a minute, well within the timeout");
    }

    [Fact]
    public void Values_as_python_or_environment_variables_write_them_are_read()
    {
        var options = RedisTransportOptions.Parse(new Dictionary<string, string>
        {
            ["visibility_timeout"] = "43200.5",
            ["priority_steps"] = "[0, 5, 2]",
            ["sep"] = ":",
            ["queue_order_strategy"] = "Sorted",
            ["global_keyprefix"] = "app:",
            ["unacked_key"] = "u",
            ["unacked_index_key"] = "ui",
            ["unacked_mutex_key"] = "um",
            ["unacked_mutex_expire"] = "60",
            ["unacked_restore_limit"] = "100",
            ["ack_emulation"] = "False",
            ["deadletter_queue"] = "dead",
            ["max_connections"] = "20",
            ["anything_else"] = "ignored",
        });

        options.VisibilityTimeout.Should().Be(TimeSpan.FromSeconds(43200.5));
        options.PrioritySteps.Should().Equal(0, 2, 5);
        options.Separator.Should().Be(":");
        options.QueueOrder.Should().Be(QueueOrderStrategy.Sorted);
        options.GlobalKeyPrefix.Should().Be("app:");
        (options.UnackedKey, options.UnackedIndexKey, options.UnackedMutexKey).Should().Be(("u", "ui", "um"));
        options.UnackedMutexExpire.Should().Be(TimeSpan.FromMinutes(1));
        options.UnackedRestoreLimit.Should().Be(100);
        options.AckEmulation.Should().BeFalse();
        options.DeadLetterQueue.Should().Be("dead");
        RedisTransportOptions.Parse(new Dictionary<string, string> { ["priority_steps"] = "0,3,6,9" }).PrioritySteps.Should().Equal(0, 3, 6, 9);
        RedisTransportOptions.Parse(new Dictionary<string, string> { ["unacked_restore_limit"] = "None" }).UnackedRestoreLimit.Should().BeNull();
        RedisTransportOptions.Parse(new Dictionary<string, string> { ["visibility_timeout"] = "1" }).SweepInterval.Should().Be(TimeSpan.FromMilliseconds(500));
    }

    [Theory]
    [InlineData("visibility_timeout", "an hour")]
    [InlineData("visibility_timeout", "-5")]
    [InlineData("priority_steps", "[0, high]")]
    [InlineData("priority_steps", "[]")]
    [InlineData("queue_order_strategy", "random")]
    [InlineData("ack_emulation", "maybe")]
    [InlineData("unacked_mutex_expire", "0")]
    [InlineData("unacked_restore_limit", "-1")]
    [InlineData("sep", "")]
    [InlineData("unacked_key", "")]
    public void A_bad_value_fails_naming_the_option(string name, string value)
    {
        var parse = () => RedisTransportOptions.Parse(new Dictionary<string, string> { [name] = value });

        parse.Should().Throw<ArgumentException>().Where(e => e.ParamName == name && e.Message.Contains($"'{name}'") && e.Message.Contains(value));
    }

    [Fact]
    public void UseRedis_registers_both_schemes_and_a_bad_option_fails_when_the_transport_is_made()
    {
        var options = new CeleriacOptions().UseRedis();
        options.BrokerTransportOptions["visibility_timeout"] = "soon";

        options.Providers.TransportSchemes.Should().Contain(["redis", "rediss"]);
        var create = () => new RedisTransport(new Celeriac.Transport.ProviderContext(new Uri("redis://127.0.0.1:1/0"), options,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        create.Should().Throw<ArgumentException>().WithParameterName("visibility_timeout");
    }
}
