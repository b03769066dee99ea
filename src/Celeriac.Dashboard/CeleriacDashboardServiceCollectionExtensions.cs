using Celeriac.Dashboard;
using Celeriac.Dashboard.Fleet;
using Celeriac.Dashboard.Ingestion;
using Celeriac.Dashboard.Store;
using Celeriac.Dashboard.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Celeriac dashboard: its store, event ingestion and the services its endpoints use.</summary>
public static class CeleriacDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the dashboard beside <c>AddCeleriac</c> (whose app it watches and acts through); map its pages and
    /// API with <c>app.MapCeleriacDashboard("/celeriac")</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddCeleriac(o =&gt; o.BrokerUrl = "redis://localhost:6379/0").UseRedis();
    /// builder.Services.AddCeleriacDashboard(o =&gt; o.PostgresConnectionString = builder.Configuration.GetConnectionString("dashboard"));
    /// var app = builder.Build();
    /// app.MapCeleriacDashboard("/celeriac").RequireAuthorization("ops");
    /// </code>
    /// </example>
    public static IServiceCollection AddCeleriacDashboard(this IServiceCollection services, Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DashboardOptions>();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton<IDashboardStore>(sp => DashboardStoreFactory.Create(sp.GetRequiredService<IOptions<DashboardOptions>>().Value));
        if (services.Any(d => d.ServiceType == typeof(StoreInitializer))) return services; // added before: options only
        services.TryAddSingleton<IngestionStats>();
        services.TryAddSingleton<DashboardChanges>();
        services.TryAddSingleton<StoreInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreInitializer>());
        services.AddHostedService<EventIngestor>(); // idle unless DashboardOptions.IngestEvents
        services.AddHostedService<RetentionLoop>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkerInspection>(); // fleet: the cached live inspect of workers
        services.TryAddSingleton<WorkerControl>(); // fleet: worker actions through app.Control
        services.TryAddSingleton<RuntimeHistogram>(); // fleet: /metrics' run-time histogram
        services.AddAntiforgery(); // the actions' cross-site token (CrossSiteCheck)
        DashboardOpenApi.Register(services);
        return services;
    }
}
