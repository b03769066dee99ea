namespace WebShop.Tasks;

/// <summary>
/// The shop's task names: the wire contract between the web app that sends and the worker host that
/// runs them (a Python worker registering the same names could run them too).
/// </summary>
public static class WebShopTaskNames
{
    /// <summary>Takes the payment for a new order; retries with exponential backoff while the payment provider is unavailable.</summary>
    public const string ProcessOrder = "orders.process";

    /// <summary>First step of fulfilment: reserves the stock.</summary>
    public const string Reserve = "orders.reserve";

    /// <summary>Second step: charges the reservation.</summary>
    public const string Charge = "orders.charge";

    /// <summary>Last step: emails the receipt.</summary>
    public const string Email = "orders.email";

    /// <summary>The bulk import's header task: imports one catalog item.</summary>
    public const string ImportItem = "catalog.import_item";

    /// <summary>The bulk import's chord body: sums what the header tasks imported.</summary>
    public const string ImportDone = "catalog.import_done";
}
