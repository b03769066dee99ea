using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Celeriac.Interop.Tests.Dashboard;

/// <summary>
/// The dashboard as a user mounts it: a real Kestrel on 127.0.0.1 and a free port, an ASP.NET Core app with
/// <c>AddCeleriac(redis)</c>, <c>AddCeleriacDashboard</c> (history in a SQLite file) and
/// <c>MapCeleriacDashboard("/celeriac")</c>. Several hosts may open the same file one after another (a restart)
/// or side by side (a read-only one that ingests nothing).
/// </summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    public const string Prefix = "/celeriac";

    private readonly WebApplication _app;
    private readonly StringBuilder _log;

    private DashboardHost(WebApplication app, StringBuilder log, string root)
    {
        _app = app;
        _log = log;
        Root = root;
    }

    /// <summary>The dashboard's address with the mount path and a trailing slash, e.g. <c>http://127.0.0.1:41234/celeriac/</c>.</summary>
    public string Root { get; }

    /// <summary>What the host logged at Warning and above, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static async Task<DashboardHost> StartAsync(string brokerUrl, string backendUrl, string sqlitePath, bool readOnly = false)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var log = new StringBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning).AddProvider(new LinesLoggerProvider(log));
        builder.Services.AddCeleriac(o =>
        {
            o.BrokerUrl = brokerUrl;
            o.ResultBackend = backendUrl;
        }).UseRedis();
        builder.Services.AddCeleriacDashboard(o =>
        {
            o.SqlitePath = sqlitePath;
            o.ReadOnly = readOnly;
            // Two hosts on one file: only the writable one ingests, as a read-only replica would be deployed.
            o.IngestEvents = !readOnly;
            o.Title = readOnly ? "Celeriac (read-only)" : "Celeriac";
        });
        var app = builder.Build();
        app.MapCeleriacDashboard(Prefix);
        try
        {
            await app.StartAsync();
        }
        catch (Exception e)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException($"the dashboard host did not start: {e.Message}\n{log}", e);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new DashboardHost(app, log, address.TrimEnd('/') + Prefix + "/");
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _app.StopAsync(stop.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
