namespace WebShop.Tasks.Orders;

/// <summary>The payment provider, as the tasks see it (a DI service).</summary>
public interface IPaymentGateway
{
    /// <summary>Charges <paramref name="amountCents"/> for <paramref name="orderId"/> and returns the payment's id.</summary>
    /// <exception cref="PaymentUnavailableException">The provider is unavailable; try again later.</exception>
    Task<string> ChargeAsync(string orderId, long amountCents, CancellationToken cancellationToken);
}
