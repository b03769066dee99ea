using Celeriac;
using Celeriac.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace WebShop.Tasks.Hosting;

/// <summary>
/// Celeriac for both shop apps, from the <c>Celeriac</c> configuration section: the shop's tasks and
/// services, Redis support, and a worker when <paramref name="runWorker"/> says so.
/// </summary>
public static class ShopCeleriac
{
    /// <summary>The configuration section both apps read.</summary>
    public const string Section = "Celeriac";

    /// <summary>
    /// True when this process must run a worker: always for the worker host; for the web app only on
    /// the in-memory broker (its queues live in the process, so no other process could run them),
    /// unless <c>WebShop:RunWorker</c> says otherwise.
    /// </summary>
    public static bool WebAppRunsWorker(IConfiguration configuration) =>
        configuration.GetValue<bool?>("WebShop:RunWorker") ?? BrokerUrl(configuration).StartsWith("memory://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The configured broker URL (<c>Celeriac:BrokerUrl</c> or Celery's <c>broker_url</c>), memory:// when unset.</summary>
    public static string BrokerUrl(IConfiguration configuration)
    {
        var options = new CeleriacOptions();
        CeleriacConfiguration.Bind(options, configuration.GetSection(Section));
        return options.BrokerUrl;
    }

    /// <summary>
    /// Adds Celeriac through <c>AddCeleriac</c> (the <c>Celeriac</c> section; Redis URLs understood), the
    /// shop's tasks and services, a hosted worker when <paramref name="runWorker"/> and a hosted beat
    /// when <paramref name="runBeat"/> (the beat Deployment: on Redis its replicas share one lease).
    /// The app, the control client and the health checks (celeriac-broker, -backend, -worker, -beat)
    /// come with it.
    /// </summary>
    public static WebApplicationBuilder AddShopCeleriac(this WebApplicationBuilder builder, bool runWorker, bool runBeat = false)
    {
        var configuration = builder.Configuration;
        builder.Services.AddWebShopServices(configuration);
        var celeriac = builder.Services
            // One URL switches the sample to Redis: the results go where the broker is unless set apart.
            .AddCeleriac(configuration.GetSection(Section), o => o.ResultBackend ??= o.BrokerUrl)
            .UseRedis();
        WebShopTasks.Register((name, function, configure) => celeriac.AddTask(name, function, configure), configuration.ReadPaymentOptions());
        if (runWorker) celeriac.AddWorker();
        if (runBeat) celeriac.AddBeat();
        return builder;
    }
}
