// The web shop: accepts orders and imports over HTTP, queues the work as Celeriac tasks, answers at
// once. On the default memory:// broker it runs the worker itself; with Celeriac__BrokerUrl=redis://…
// the separate worker host (samples/WebShop.Worker) runs the tasks. See README.md.
using WebShop.Imports;
using WebShop.Orders;
using WebShop.Status;
using WebShop.Tasks.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddShopCeleriac(runWorker: ShopCeleriac.WebAppRunsWorker(builder.Configuration));
builder.AddShopTelemetry("webshop");

var app = builder.Build();
app.MapOrderEndpoints();
app.MapImportEndpoints();
app.MapStatusEndpoints();
app.MapShopOperationalEndpoints();
app.Run();

/// <summary>The web app's entry point, named for WebApplicationFactory.</summary>
public partial class Program;
