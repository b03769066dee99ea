// The shop's worker host: runs the WebShop tasks from the shared broker (Redis in production) and
// serves /healthz/live, /healthz/ready and /metrics on its HTTP port for the orchestrator's probes
// and the Prometheus scrape. It needs Celeriac__BrokerUrl=redis://… — on memory:// it would only see
// its own in-process queues. See samples/WebShop/README.md.
using WebShop.Tasks.Hosting;
using WebShop.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.AddShopCeleriac(runWorker: true);
builder.AddShopTelemetry("webshop-worker");

var app = builder.Build();
WorkerStartup.WarnOnMemoryBroker(app);
app.MapShopOperationalEndpoints();
app.Run();
