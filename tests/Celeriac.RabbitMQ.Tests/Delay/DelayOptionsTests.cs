using Celeriac.RabbitMQ.Delay;
using RabbitMQ.Client;

namespace Celeriac.RabbitMQ.Tests.Delay;

/// <summary>Options, broker versions and the copy a delivery is republished as.</summary>
public sealed class DelayOptionsTests
{
    [Fact]
    public void Defaults_follow_the_brokers_30_minute_consumer_timeout()
    {
        var o = DelayOptions.From(new Dictionary<string, string>());
        o.ConsumerTimeout.Should().Be(TimeSpan.FromMinutes(30));
        o.DelayedDelivery.Should().BeTrue();
        o.DelayedDeliveryThreshold.Should().Be(TimeSpan.FromMinutes(7.5));
        o.Lease.Should().BeTrue();
        o.LeaseAfter.Should().Be(TimeSpan.FromMinutes(15));
        o.LeaseDuration.Should().Be(TimeSpan.FromMinutes(5));
        o.RenewBefore.Should().Be(TimeSpan.FromMinutes(1));
        o.QueueType.Should().Be("quorum");
    }

    [Fact]
    public void A_smaller_consumer_timeout_scales_the_defaults_and_bad_values_are_refused()
    {
        var o = DelayOptions.From(new Dictionary<string, string> { ["consumer_timeout"] = "3", ["lease_duration"] = "6" }, "classic");
        o.DelayedDeliveryThreshold.Should().Be(TimeSpan.FromSeconds(0.75));
        o.LeaseAfter.Should().Be(TimeSpan.FromSeconds(1.5));
        o.RenewBefore.Should().Be(TimeSpan.FromSeconds(2));
        o.QueueType.Should().Be("classic");

        FluentActions.Invoking(() => DelayOptions.From(new Dictionary<string, string> { ["consumer_timeout"] = "10", ["lease_after"] = "10" }))
            .Should().Throw<FormatException>().WithMessage("*lease_after*below consumer_timeout*");
        FluentActions.Invoking(() => DelayOptions.From(new Dictionary<string, string> { ["delayed_delivery"] = "maybe" }))
            .Should().Throw<FormatException>().WithMessage("*delayed_delivery*");
        FluentActions.Invoking(() => DelayOptions.From(new Dictionary<string, string>(), "stream"))
            .Should().Throw<FormatException>().WithMessage("*quorum*classic*");
    }

    [Theory]
    [InlineData("3.10.8", false)]
    [InlineData("3.11.28", false)]
    [InlineData("3.12.0", true)]
    [InlineData("4.0.0-beta.1", true)]
    [InlineData("garbage", false)]
    public void A_per_consumer_timeout_is_asked_for_from_3_12_on(string version, bool takes)
    {
        var properties = new Dictionary<string, object?> { ["version"] = System.Text.Encoding.UTF8.GetBytes(version) };
        BrokerVersion.TakesPerConsumerTimeout(BrokerVersion.Of(properties)).Should().Be(takes);
    }

    [Fact]
    public void The_copy_keeps_everything_but_the_dead_letter_headers_and_the_spent_expiration()
    {
        var original = new BasicProperties
        {
            CorrelationId = "id-1",
            Priority = 3,
            ContentType = "application/json",
            Expiration = "60000",
            Headers = new Dictionary<string, object?>
            {
                ["eta"] = "2030-01-01T00:00:00+00:00",
                ["id"] = "id-1",
                ["x-death"] = new List<object?>(),
                ["x-first-death-queue"] = "celery_delayed_3",
                ["x-last-death-reason"] = "expired",
            },
        };

        var copy = DeliveryCopy.Properties(original);

        copy.Headers!.Keys.Should().BeEquivalentTo("eta", "id");
        copy.CorrelationId.Should().Be("id-1");
        copy.Priority.Should().Be(3);
        copy.ContentType.Should().Be("application/json");
        copy.Expiration.Should().BeNull();
        original.Headers.Should().ContainKey("x-death", "the original is left alone");
    }

    [Fact]
    public void The_eta_is_read_from_the_amqp_headers_as_py_amqp_and_rabbitmq_client_write_it()
    {
        static BasicProperties With(object? eta) => new() { Headers = new Dictionary<string, object?> { ["eta"] = eta, ["id"] = "x" } };

        ConsumerTimeoutGuard.EtaOf(With(System.Text.Encoding.UTF8.GetBytes("2030-01-01T00:00:00.500000+00:00")))
            .Should().Be(new DateTimeOffset(2030, 1, 1, 0, 0, 0, 500, TimeSpan.Zero));
        ConsumerTimeoutGuard.EtaOf(With("2030-01-01T01:00:00+01:00")).Should().Be(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        ConsumerTimeoutGuard.EtaOf(With(null)).Should().BeNull("no ETA: nothing to defer");
        ConsumerTimeoutGuard.EtaOf(With("soon")).Should().BeNull("an unreadable ETA is the worker's to report");
        ConsumerTimeoutGuard.EtaOf(new BasicProperties()).Should().BeNull();
    }
}
