using Celeriac.Tasks;
using WebShop.Tasks.Catalog;
using WebShop.Tasks.Orders;

namespace WebShop.Tasks;

/// <summary>
/// Registers the shop's tasks through <paramref name="add"/> — <c>app.Task</c> on a
/// <c>CeleriacApp</c> or <c>AddTask</c> on the <c>CeleriacBuilder</c>, which take the same three
/// arguments — so the web app and the worker host register exactly the same set.
/// </summary>
public static class WebShopTasks
{
    /// <summary>Registers every task; <paramref name="payments"/> sets the retry policy of <c>orders.process</c>.</summary>
    public static void Register(Action<string, Delegate, Action<TaskOptions>?> add, PaymentOptions payments)
    {
        add(WebShopTaskNames.ProcessOrder, OrderTasks.ProcessAsync, o =>
        {
            // Celery's autoretry_for + retry_backoff: waits of ~1, 2, 4, … s (jittered), capped.
            o.AutoRetryFor = [typeof(PaymentUnavailableException)];
            o.RetryBackoff = true;
            o.RetryBackoffMax = payments.RetryBackoffMax;
            o.MaxRetries = payments.MaxRetries;
        });
        add(WebShopTaskNames.Reserve, OrderTasks.ReserveAsync, null);
        add(WebShopTaskNames.Charge, OrderTasks.ChargeAsync, null);
        add(WebShopTaskNames.Email, OrderTasks.EmailAsync, null);
        add(WebShopTaskNames.ImportItem, CatalogTasks.ImportItemAsync, null);
        add(WebShopTaskNames.ImportDone, CatalogTasks.ImportDone, null);
    }
}
