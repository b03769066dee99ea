using WebShop.Tasks.Hosting;

namespace WebShop.Worker;

// The shop's worker host: runs the WebShop tasks from the shared broker (Redis in production) and
// serves /healthz/live, /healthz/ready and /metrics on its HTTP port for the orchestrator's probes
// and the Prometheus scrape. It needs Celeriac__BrokerUrl=redis://… — on memory:// it would only see
// its own in-process queues. See samples/WebShop/README.md.
// A Main rather than top-level statements: those make a public global Program (ASP.NET Core's
// generator), which would clash with the web app's in a test project that references both.
internal static class Program
{
    private static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddShopCeleriac(
            runWorker: builder.Configuration.GetValue("WebShop:RunWorker", true),
            runBeat: builder.Configuration.GetValue("WebShop:RunBeat", false));
        builder.AddShopTelemetry("webshop-worker");

        var app = builder.Build();
        WorkerStartup.WarnOnMemoryBroker(app);
        app.MapShopOperationalEndpoints();
        app.Run();
    }
}
