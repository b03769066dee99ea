// The dashboard demo: the dashboard, a worker with events on, a producer sending a mix of tasks (successes,
// failures with tracebacks, retries, a chain, a group, a chord, long arguments) and two beat entries, all in
// one process, so every page has something on it.
//   dotnet run --project samples/DashboardDemo                      # in-memory broker, http://127.0.0.1:5080/
//   dotnet run --project samples/DashboardDemo -- -b redis://localhost:6379/0 --urls http://127.0.0.1:8080
//   … -- --read-only                                                # the read-only mode (no action controls)
using Celeriac;

namespace DashboardDemo;

/// <summary>
/// The demo's entry point; a class rather than top-level statements so its name does not clash with another
/// sample's <c>Program</c> in a test project that references both (<c>WebApplicationFactory&lt;DemoProgram&gt;</c>).
/// </summary>
public sealed class DemoProgram
{
    /// <summary>Runs the demo until Ctrl+C.</summary>
    public static async Task<int> Main(string[] args)
    {
        var settings = DemoSettings.Parse(args);
        if (settings is null)
        {
            Console.Error.WriteLine("usage: dotnet run --project samples/DashboardDemo [-- -b BROKER_URL] [--read-only] [--no-producer] [--urls URL]");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(settings.HostArgs);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:5080");
        builder.Services.AddCeleriac(o =>
            {
                o.BrokerUrl = settings.BrokerUrl;
                o.ResultBackend = settings.BrokerUrl; // the detail page reads whole results from here
                o.ResultExtended = true;              // … and args/kwargs, so retry works for every task
                o.WorkerSendTaskEvents = true;        // -E: what the dashboard ingests
                o.TaskSendSentEvent = true;           // task-sent: queue waits from the moment of sending
                o.BeatSchedule = DemoTasks.BeatEntries();
                o.BeatScheduleFilename = null;
            })
            .UseRedis()
            .AddTasks()
            .AddWorker(w => { w.Concurrency = 4; w.Queues = ["celery", DemoTasks.ImagesQueue]; w.Hostname = "demo@" + Environment.MachineName; })
            .AddBeat();
        builder.Services.AddCeleriacDashboard(o =>
        {
            o.Title = "Celeriac demo";
            o.SqlitePath = settings.StorePath;
            o.ReadOnly = settings.ReadOnly;
        });
        // Demo:Store in configuration (e.g. the environment variable Demo__Store) wins over the command line's --store.
        builder.Services.AddOptions<Celeriac.Dashboard.DashboardOptions>()
            .Configure<IConfiguration>((o, configuration) => o.SqlitePath = configuration["Demo:Store"] ?? o.SqlitePath);
        if (settings.Producer) builder.Services.AddHostedService<DemoProducer>();

        var app = builder.Build();
        app.MapCeleriacDashboard("/");
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation("Dashboard at {Urls} (store {Store}, broker {Broker})", string.Join(", ", app.Urls), settings.StorePath, settings.BrokerUrl));
        await app.RunAsync();
        return 0;
    }
}
