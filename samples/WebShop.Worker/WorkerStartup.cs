using WebShop.Tasks.Hosting;

namespace WebShop.Worker;

/// <summary>
/// The worker host's startup checks. Also the type tests name to start this host
/// (<c>WebApplicationFactory&lt;WorkerStartup&gt;</c>), hence a class rather than a static class.
/// </summary>
public sealed class WorkerStartup
{
    private WorkerStartup()
    {
    }

    /// <summary>
    /// A worker host on memory:// consumes queues nobody else can reach — almost certainly a missing
    /// <c>Celeriac__BrokerUrl</c>; say so rather than idle silently.
    /// </summary>
    public static void WarnOnMemoryBroker(WebApplication app)
    {
        var broker = ShopCeleriac.BrokerUrl(app.Configuration);
        if (broker.StartsWith("memory://", StringComparison.OrdinalIgnoreCase))
            app.Logger.LogWarning(
                "Celeriac:BrokerUrl is {BrokerUrl}: this worker only sees its own in-process queues. Set Celeriac__BrokerUrl=redis://… to share the web app's.",
                broker);
    }
}
