// Celeriac quickstart: a worker and a client in one process on the embedded memory:// broker and
// result backend. No server to install. Usage: dotnet run --project samples/Quickstart [-- --tasks N]
using Celeriac;
using Microsoft.Extensions.Logging;
using Quickstart;
using Spectre.Console;

var count = args switch
{
    [] => 500,
    ["--tasks", var n] when int.TryParse(n, out var parsed) && parsed >= 2 => parsed,
    _ => 0,
};
if (count == 0)
{
    Console.Error.WriteLine("usage: dotnet run --project samples/Quickstart [-- --tasks N]   (N >= 2, default 500)");
    return args is ["-h" or "--help"] ? 0 : 2;
}

var console = Terminal.Create();
using var logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddTerminalConsole());

await using var app = CeleriacApp.Create(o =>
{
    o.BrokerUrl = "memory://";      // the default, spelled out: queues live in this process
    o.ResultBackend = "memory://";  // results too (Celery's default is no backend)
    o.LoggerFactory = logging;      // worker warnings and errors go to the console
});
var tasks = QuickstartTasks.Register(app);

// More slots than cores: fetch_report and import_rows wait on (simulated) I/O without holding a thread.
await using var worker = app.CreateWorker(w => w.Concurrency = Math.Max(16, Environment.ProcessorCount));
await worker.StartAsync();
console.MarkupLine($"Sending {count} tasks to a worker with {worker.Options.Concurrency} slots on [bold]memory://[/] ...");

var run = await LoadDriver.RunAsync(console, app, tasks, count);
await worker.StopAsync(); // graceful: nothing is running any more, so this returns at once
return Summary.Print(console, run) ? 0 : 1;
