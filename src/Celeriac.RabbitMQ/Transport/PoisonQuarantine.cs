using Celeriac.RabbitMQ.Connection;
using Celeriac.RabbitMQ.Wire;
using Microsoft.Extensions.Logging;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// Takes messages RabbitMQ.Client cannot read off their queues. That library decodes a delivery's
/// headers before handing it over, and on a value type it does not know (py-amqp's <c>L</c> for
/// integers beyond ±2³¹) it closes the whole connection with a 502 syntax error — before anyone sees
/// the delivery tag. The broker requeues the message at the head, so consuming again would die on it
/// again, forever. After such a loss the consumer runs this first: on a connection of our own
/// (<see cref="RawAmqpChannel"/>) it gets the first messages of each queue unacked, reads their header
/// tables itself, rejects (dead-letters, where the queue has a dead-letter exchange) those .NET cannot
/// read with the reason logged, and closes, which hands every other message back in its order.
/// </summary>
internal static class PoisonQuarantine
{
    /// <summary>
    /// Looks at up to <paramref name="depth"/> messages at the head of each queue — the poison was
    /// delivered, so it is among the ones the lost channel held unacked, which the broker put back at
    /// the head. Returns how many were rejected.
    /// </summary>
    public static async Task<int> RunAsync(AmqpSettings settings, IReadOnlyList<string> queues, int depth, ILogger logger, CancellationToken cancellationToken)
    {
        var rejected = 0;
        var raw = await RawAmqpChannel.OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        await using (raw.ConfigureAwait(false))
        {
            foreach (var queue in queues)
            {
                for (var looked = 0; looked < depth; looked++)
                {
                    var message = await raw.GetAsync(queue, cancellationToken).ConfigureAwait(false);
                    if (message is null) break;
                    if (Problem(message) is not { } problem) continue; // held until the close hands it back, in order
                    await raw.RejectAsync(message.DeliveryTag, requeue: false, cancellationToken).ConfigureAwait(false);
                    rejected++;
                    logger.LogError("Rejected a malformed message of {Queue}: {Problem}; it is dead-lettered where the queue has a dead-letter exchange, else dropped",
                        queue, problem);
                }
            }
        }
        return rejected;
    }

    private static string? Problem(RawAmqpChannel.RawMessage message)
    {
        try
        {
            return FieldTableScanner.FindUnreadable(RawAmqpChannel.HeadersOf(message));
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            return $"its headers cannot be read: {e.Message}";
        }
    }
}
