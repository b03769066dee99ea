// An app that is its own celeriac command line: its tasks, then one call. Celery's `celery -A proj worker …` becomes
//   dotnet run --project samples/WorkerApp -- worker -c 8 -Q a,b -E --autoscale 10,2 --beat -b redis://localhost:6379/0
//   dotnet run --project samples/WorkerApp -- inspect active -b redis://localhost:6379/0
// The broker and backend come from CELERY_BROKER_URL / CELERY_RESULT_BACKEND (else a local Redis); -b and
// --result-backend override them. `dotnet run --project samples/WorkerApp -- --help` lists the commands.
using Celeriac;
using Celeriac.CommandLine;
using WorkerApp;

await using var app = CeleriacApp.Create(o =>
{
    o.UseRedis().UseRabbitMq();
    o.BrokerUrl = Environment.GetEnvironmentVariable("CELERY_BROKER_URL") ?? "redis://localhost:6379/0";
    o.ResultBackend = Environment.GetEnvironmentVariable("CELERY_RESULT_BACKEND") ?? o.BrokerUrl;
});
SampleTasks.Register(app);
return await app.RunCommandLineAsync(args);
