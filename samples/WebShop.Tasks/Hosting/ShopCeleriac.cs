using Celeriac;
using Celeriac.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;

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

    /// <summary>Adds the app, the shop's tasks and services and, when <paramref name="runWorker"/>, a hosted worker.</summary>
    public static WebApplicationBuilder AddShopCeleriac(this WebApplicationBuilder builder, bool runWorker)
    {
        var configuration = builder.Configuration;
        var payments = configuration.ReadPaymentOptions();
        builder.Services.AddWebShopServices(configuration);
        builder.Services.AddSingleton(sp =>
        {
            var options = new CeleriacOptions();
            CeleriacConfiguration.Bind(options, configuration.GetSection(Section));
            // One URL switches the sample to Redis: the results go where the broker is unless set apart.
            options.ResultBackend ??= options.BrokerUrl;
            options.UseRedis();
            options.LoggerFactory = sp.GetRequiredService<ILoggerFactory>();
            options.MeterFactory = sp.GetService<IMeterFactory>();
            var app = new CeleriacApp(options, sp);
            WebShopTasks.Register((name, function, configure) => app.Task(name, function, configure), payments);
            return app;
        });
        builder.Services.AddHealthChecks();
        if (runWorker) builder.Services.AddHostedService<ShopWorkerService>();
        return builder;
    }
}
