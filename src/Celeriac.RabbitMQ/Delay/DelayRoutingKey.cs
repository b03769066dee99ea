using System.Text;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// The routing key of a message published into the delay topology (Celery 5.5's
/// <c>calculate_routing_key</c>, docs/architecture.md RabbitMQ): the wait in whole seconds as 28 binary
/// digits, most significant first, each a word of its own, then the queue's routing key. Level L's
/// queue takes a message whose word 27−L is 1 and holds it 2^L seconds; a 0 passes it on to level
/// L−1's exchange; after level 0 it reaches <c>celery_delayed_delivery</c>, where the <c>#.key</c>
/// binding sends it to its queue.
/// </summary>
internal static class DelayRoutingKey
{
    /// <summary>Levels (and binary digits) in the topology.</summary>
    public const int Bits = 28;

    /// <summary>The longest wait one pass through the topology holds: 2^28 − 1 s (about 8.5 years).</summary>
    public const long MaxSeconds = (1L << Bits) - 1;

    /// <summary>The routing key for a wait of <paramref name="seconds"/> (clamped to 0…<see cref="MaxSeconds"/>) to <paramref name="routingKey"/>.</summary>
    public static string For(long seconds, string routingKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(routingKey);
        seconds = Math.Clamp(seconds, 0, MaxSeconds);
        var key = new StringBuilder(Bits * 2 + routingKey.Length);
        for (var bit = Bits - 1; bit >= 0; bit--) key.Append((seconds >> bit & 1) == 1 ? '1' : '0').Append('.');
        return key.Append(routingKey).ToString();
    }

    /// <summary>The levels whose queues a message with <paramref name="routingKey"/> waits in, highest first.</summary>
    public static IReadOnlyList<int> Levels(string routingKey)
    {
        var words = routingKey.Split('.');
        var levels = new List<int>();
        for (var i = 0; i < Bits && i < words.Length; i++)
            if (words[i] == "1") levels.Add(Bits - 1 - i);
        return levels;
    }
}
