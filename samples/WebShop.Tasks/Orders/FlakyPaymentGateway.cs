using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace WebShop.Tasks.Orders;

/// <summary>
/// A fake payment provider that is unavailable for the first <see cref="PaymentOptions.FailuresPerOrder"/>
/// calls of each order, then succeeds — so every order shows Celery's retry with backoff.
/// A singleton: the count per order must outlive one task run.
/// </summary>
public sealed class FlakyPaymentGateway(IOptions<PaymentOptions> options) : IPaymentGateway
{
    private readonly ConcurrentDictionary<string, int> _calls = new();

    /// <summary>Calls made so far for <paramref name="orderId"/>.</summary>
    public int CallsFor(string orderId) => _calls.GetValueOrDefault(orderId);

    /// <inheritdoc />
    public Task<string> ChargeAsync(string orderId, long amountCents, CancellationToken cancellationToken)
    {
        var call = _calls.AddOrUpdate(orderId, 1, (_, n) => n + 1);
        if (call <= options.Value.FailuresPerOrder)
            throw new PaymentUnavailableException($"payment provider returned 503 for order {orderId} (call {call})");
        return Task.FromResult($"pay-{orderId[..Math.Min(8, orderId.Length)]}-{amountCents}");
    }
}
