using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <summary>Receiving and settling helpers that never sleep: they await the consumer under a timeout.</summary>
internal static class ConsumerTestExtensions
{
    /// <summary>Receives until exactly <paramref name="count"/> deliveries arrived; fails after <paramref name="timeout"/>.</summary>
    public static async Task<List<TransportDelivery>> ReceiveExactlyAsync(this ITransportConsumer consumer, int count, TimeSpan timeout, int maxCount = int.MaxValue)
    {
        using var cts = new CancellationTokenSource(timeout);
        var received = new List<TransportDelivery>(count);
        while (received.Count < count)
        {
            var ask = Math.Min(maxCount, count - received.Count);
            var batch = await consumer.ReceiveAsync(ask, cts.Token);
            batch.Count.Should().BeLessThanOrEqualTo(ask, "a receive never returns more than maxCount");
            if (batch.Count == 0)
                cts.IsCancellationRequested.Should().BeFalse($"{count} deliveries were expected within {timeout}, only {received.Count} arrived");
            received.AddRange(batch);
        }
        return received;
    }

    /// <summary>Receives one delivery; fails after <paramref name="timeout"/>.</summary>
    public static async Task<TransportDelivery> ReceiveOneAsync(this ITransportConsumer consumer, TimeSpan timeout) =>
        (await consumer.ReceiveExactlyAsync(1, timeout))[0];

    /// <summary>Settles every delivery with the same action in one batch.</summary>
    public static ValueTask SettleAllAsync(this ITransportConsumer consumer, IEnumerable<TransportDelivery> deliveries, SettleAction action) =>
        consumer.SettleAsync(deliveries.Select(d => new Settlement(d, action)).ToList());

    /// <summary>Settles one delivery.</summary>
    public static ValueTask SettleAsync(this ITransportConsumer consumer, TransportDelivery delivery, SettleAction action) =>
        consumer.SettleAsync([new Settlement(delivery, action)]);
}
