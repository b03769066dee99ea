namespace WebShop.Tasks.Orders;

/// <summary>
/// The payment provider could not take the payment now (a 503, a timeout): worth retrying, so
/// <c>orders.process</c> lists it in <c>AutoRetryFor</c>.
/// </summary>
public sealed class PaymentUnavailableException(string message) : Exception(message);
