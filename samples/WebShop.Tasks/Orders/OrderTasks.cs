using Celeriac;
using Microsoft.Extensions.Logging;

namespace WebShop.Tasks.Orders;

/// <summary>
/// The bodies of the order tasks. Arguments come from the message; <see cref="TaskContext"/>,
/// loggers and services (<see cref="IPaymentGateway"/>, the scoped <see cref="OrderUnitOfWork"/>)
/// are bound by type, the services from the run's own DI scope.
/// </summary>
public static class OrderTasks
{
    /// <summary>
    /// <c>orders.process</c>: charges the order. A <see cref="PaymentUnavailableException"/> is not
    /// caught here — the task's <c>AutoRetryFor</c> turns it into a retry with exponential backoff.
    /// </summary>
    public static async Task<PaidOrder> ProcessAsync(OrderRequest order, TaskContext context, IPaymentGateway payments, OrderUnitOfWork orders,
        ILogger<PaidOrder> logger)
    {
        var orderId = context.TaskId;
        var paymentId = await payments.ChargeAsync(orderId, order.AmountCents, context.Cancellation);
        orders.Record(orderId, "paid");
        await orders.SaveChangesAsync(context.Cancellation);
        logger.LogInformation("Order {OrderId} paid ({PaymentId}) after {Attempts} attempt(s)", orderId, paymentId, context.Retries + 1);
        return new PaidOrder(orderId, order.Email, paymentId, context.Retries + 1);
    }

    /// <summary><c>orders.reserve</c>: the chain's first step.</summary>
    public static async Task<Reservation> ReserveAsync(string orderId, string email, OrderUnitOfWork orders, CancellationToken cancellation)
    {
        orders.Record(orderId, "reserved");
        await orders.SaveChangesAsync(cancellation);
        return new Reservation(orderId, email, $"res-{Guid.NewGuid():N}"[..12]);
    }

    /// <summary><c>orders.charge</c>: gets the reservation from the step before it.</summary>
    public static async Task<Charge> ChargeAsync(Reservation reservation, OrderUnitOfWork orders, CancellationToken cancellation)
    {
        orders.Record(reservation.OrderId, "charged");
        await orders.SaveChangesAsync(cancellation);
        return new Charge(reservation.OrderId, reservation.Email, reservation.ReservationId, $"chg-{Guid.NewGuid():N}"[..12]);
    }

    /// <summary><c>orders.email</c>: the last step; its result lists every step the order went through.</summary>
    public static async Task<Receipt> EmailAsync(Charge charge, OrderUnitOfWork orders, OrderLedger ledger, ILogger<Receipt> logger,
        CancellationToken cancellation)
    {
        orders.Record(charge.OrderId, "emailed");
        await orders.SaveChangesAsync(cancellation);
        logger.LogInformation("Receipt for order {OrderId} sent to {Email}", charge.OrderId, charge.Email);
        return new Receipt(charge.OrderId, charge.Email, charge.ChargeId, ledger.EventsOf(charge.OrderId));
    }
}
