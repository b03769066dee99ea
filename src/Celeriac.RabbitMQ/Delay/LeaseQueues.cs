using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Celeriac.RabbitMQ.Delay;

/// <summary>
/// The per-delivery queues that hold a leased delivery's copy (docs/architecture.md, RabbitMQ):
/// <c>celeriac.lease.&lt;uuid&gt;</c>, durable, with <c>x-message-ttl</c> = the lease, dead-lettering
/// through the default exchange back to the delivery's queue, and <c>x-expires</c> well past the TTL so
/// the queue outlives its message and then goes away by itself. Deleting the queue settles the lease.
/// </summary>
internal sealed class LeaseQueues(DelayChannel channel)
{
    /// <summary>The name prefix of lease queues.</summary>
    public const string Prefix = "celeriac.lease.";

    /// <summary>A fresh lease queue name.</summary>
    public static string NewName() => Prefix + Guid.NewGuid().ToString("N");

    /// <summary>The arguments of a lease queue for <paramref name="queue"/> lasting <paramref name="lease"/>.</summary>
    public static Dictionary<string, object?> Arguments(string queue, TimeSpan lease)
    {
        var ttl = (long)Math.Ceiling(lease.TotalMilliseconds);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["x-message-ttl"] = ttl,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = queue,
            // The copy must dead-letter before the queue expires: twice the TTL, and a minute more.
            ["x-expires"] = 2 * ttl + 60_000,
            ["x-queue-type"] = "classic",
        };
    }

    /// <summary>Declares lease queue <paramref name="name"/> for <paramref name="queue"/>.</summary>
    public Task DeclareAsync(string name, string queue, TimeSpan lease, CancellationToken cancellationToken) =>
        channel.RunAsync(c => c.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: Arguments(queue, lease),
            passive: false, noWait: false, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>Deletes lease queue <paramref name="name"/> with whatever it holds; one already gone is fine.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await channel.RunAsync(c => c.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false, noWait: false, cancellationToken: cancellationToken), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            // Already gone (RabbitMQ 3.10 answers delete-ok for a missing queue; older ones 404).
        }
    }
}
