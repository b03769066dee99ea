using System.Globalization;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// The consumer_timeout keys of <c>broker_transport_options</c> (docs/architecture.md, RabbitMQ):
/// RabbitMQ closes a channel whose oldest unacked delivery is older than its <c>consumer_timeout</c>
/// (server-wide on 3.10, 30 min by default), and Celery holds ETA and acks-late tasks unacked
/// (celery#6760). <list type="bullet">
/// <item><c>consumer_timeout</c>: the broker's value in seconds, as the user knows it (1800).</item>
/// <item><c>delayed_delivery</c>: republish far ETAs into Celery 5.5's delay topology (true).</item>
/// <item><c>delayed_delivery_threshold</c>: seconds an ETA must be away to be republished (a quarter of consumer_timeout).</item>
/// <item><c>delivery_lease</c>: lease unsettled deliveries before the broker's timeout (true).</item>
/// <item><c>lease_after</c>: seconds a delivery is held before it is leased (half of consumer_timeout).</item>
/// <item><c>lease_duration</c>: how long a lease lasts, and so how late a dead worker's task comes back (300).</item>
/// <item><c>per_consumer_timeout</c>: seconds asked for as <c>x-consumer-timeout</c> where the broker takes it (3.12+; 86400, 0 = never ask).</item>
/// </list>
/// </summary>
internal sealed record DelayOptions
{
    /// <summary>The broker's consumer_timeout.</summary>
    public TimeSpan ConsumerTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Whether far ETAs are republished into the delay topology.</summary>
    public bool DelayedDelivery { get; init; } = true;

    /// <summary>How far away an ETA must be to be republished.</summary>
    public TimeSpan DelayedDeliveryThreshold { get; init; }

    /// <summary>Whether long-held deliveries are leased.</summary>
    public bool Lease { get; init; } = true;

    /// <summary>How long a delivery is held before it is leased.</summary>
    public TimeSpan LeaseAfter { get; init; }

    /// <summary>How long a lease lasts before its copy goes back to the queue (unless renewed or settled).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The <c>x-consumer-timeout</c> asked for on brokers that take it; zero: never asked.</summary>
    public TimeSpan PerConsumerTimeout { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Queue type of the delay topology (Celery 5.5's <c>broker_native_delayed_delivery_queue_type</c>): quorum or classic.</summary>
    public string QueueType { get; init; } = "quorum";

    /// <summary>A lease is renewed when this much of it is left.</summary>
    public TimeSpan RenewBefore => TimeSpan.FromTicks(Math.Min(LeaseDuration.Ticks / 3, TimeSpan.FromSeconds(60).Ticks));

    /// <summary>How often held deliveries are looked at.</summary>
    public TimeSpan CheckInterval => TimeSpan.FromTicks(Math.Clamp(Math.Min(LeaseAfter.Ticks, RenewBefore.Ticks) / 5,
        TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(10).Ticks));

    /// <summary>Reads the options from <c>broker_transport_options</c> and the delay queue type.</summary>
    /// <exception cref="FormatException">A value is malformed or the values contradict each other.</exception>
    public static DelayOptions From(IDictionary<string, string> options, string? queueType = null)
    {
        var timeout = Seconds(options, "consumer_timeout") ?? TimeSpan.FromMinutes(30);
        var parsed = new DelayOptions
        {
            ConsumerTimeout = timeout,
            DelayedDelivery = Bool(options, "delayed_delivery") ?? true,
            DelayedDeliveryThreshold = Seconds(options, "delayed_delivery_threshold") ?? timeout / 4,
            Lease = Bool(options, "delivery_lease") ?? true,
            LeaseAfter = Seconds(options, "lease_after") ?? timeout / 2,
            LeaseDuration = Seconds(options, "lease_duration") ?? TimeSpan.FromMinutes(5),
            PerConsumerTimeout = Seconds(options, "per_consumer_timeout", allowZero: true) ?? TimeSpan.FromDays(1),
            QueueType = (queueType ?? "quorum").Trim().ToLowerInvariant(),
        };
        if (parsed.QueueType is not ("quorum" or "classic"))
            throw new FormatException($"broker_native_delayed_delivery_queue_type={queueType} is neither quorum nor classic.");
        if (parsed.LeaseAfter >= timeout)
            throw new FormatException($"broker_transport_options lease_after ({parsed.LeaseAfter.TotalSeconds} s) must be below consumer_timeout ({timeout.TotalSeconds} s), or the broker closes the channel first.");
        return parsed;
    }

    private static TimeSpan? Seconds(IDictionary<string, string> options, string key, bool allowZero = false)
    {
        if (!options.TryGetValue(key, out var text)) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s) && (s > 0 || (allowZero && s == 0)))
            return TimeSpan.FromSeconds(s);
        throw new FormatException($"broker_transport_options {key}={text} is not a {(allowZero ? "non-negative" : "positive")} number of seconds.");
    }

    private static bool? Bool(IDictionary<string, string> options, string key)
    {
        if (!options.TryGetValue(key, out var text)) return null;
        return text.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new FormatException($"broker_transport_options {key}={text} is not true or false."),
        };
    }
}
