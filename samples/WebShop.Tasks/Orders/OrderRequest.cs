namespace WebShop.Tasks.Orders;

/// <summary>What a customer orders: the body of <c>POST /orders</c> and the argument of <c>orders.process</c>.</summary>
/// <param name="Sku">The product.</param>
/// <param name="Quantity">How many.</param>
/// <param name="AmountCents">The price to charge, in cents.</param>
/// <param name="Email">Where the receipt goes.</param>
public sealed record OrderRequest(string Sku, int Quantity, long AmountCents, string Email);
