namespace WebShop.Tasks.Orders;

/// <summary>The result of <c>orders.process</c>: the order is paid.</summary>
/// <param name="OrderId">The order (= the task id of its <c>orders.process</c>).</param>
/// <param name="Email">Where the receipt goes.</param>
/// <param name="PaymentId">The provider's payment id.</param>
/// <param name="Attempts">Runs it took, retries included.</param>
public sealed record PaidOrder(string OrderId, string Email, string PaymentId, int Attempts);

/// <summary>The result of <c>orders.reserve</c>, passed on to <c>orders.charge</c> by the chain.</summary>
public sealed record Reservation(string OrderId, string Email, string ReservationId);

/// <summary>The result of <c>orders.charge</c>, passed on to <c>orders.email</c> by the chain.</summary>
public sealed record Charge(string OrderId, string Email, string ReservationId, string ChargeId);

/// <summary>The result of <c>orders.email</c>, the end of the chain: what was sent and every step the order went through.</summary>
public sealed record Receipt(string OrderId, string SentTo, string ChargeId, IReadOnlyList<string> Steps);
