using System.Diagnostics.Metrics;
using Celeriac;
using Celeriac.Configuration;
using Celeriac.Hosting;
using Celeriac.Hosting.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Celeriac with a service collection (ASP.NET Core, the Generic Host).</summary>
public static class CeleriacServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Celeriac app (<see cref="CeleriacApp"/>, a singleton created from the options on
    /// first use), the control client (<see cref="Celeriac.Control.CeleriacControl"/>), options
    /// validation when the host starts, and the <c>celeriac-broker</c> and <c>celeriac-backend</c>
    /// health checks. The app logs through the host's <c>ILoggerFactory</c> and measures through its
    /// <c>IMeterFactory</c> unless the options set their own. Calling it again adds to the same app.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options (broker URL, result backend, …).</param>
    /// <returns>A builder for tasks, the hosted worker and beat, and the transport.</returns>
    public static CeleriacBuilder AddCeleriac(this IServiceCollection services, Action<CeleriacOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new CeleriacBuilder(services, Registrations(services));
        if (configure is not null) builder.Configure(configure);
        return builder;
    }

    /// <summary>
    /// As <see cref="AddCeleriac(IServiceCollection, Action{CeleriacOptions}?)"/>, binding the options from a
    /// configuration section first, under Celery's setting names (<c>broker_url</c>) or the .NET ones
    /// (<c>BrokerUrl</c>) — <see cref="CeleriacConfiguration.Bind"/> — then applying <paramref name="configure"/>.
    /// </summary>
    /// <example><code>builder.Services.AddCeleriac(builder.Configuration.GetSection("Celeriac")).UseRedis();</code></example>
    public static CeleriacBuilder AddCeleriac(this IServiceCollection services, IConfiguration section, Action<CeleriacOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var builder = services.AddCeleriac(o => CeleriacConfiguration.Bind(o, section));
        if (configure is not null) builder.Configure(configure);
        return builder;
    }

    private static CeleriacRegistrations Registrations(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(CeleriacRegistrations) && !d.IsKeyedService)?.ImplementationInstance is CeleriacRegistrations known)
            return known;
        var registrations = new CeleriacRegistrations();
        services.AddSingleton(registrations);
        services.AddOptions<CeleriacOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CeleriacOptions>, CeleriacOptionsValidator>();
        services.TryAddSingleton(sp => CreateApp(sp, registrations));
        services.TryAddSingleton(sp => sp.GetRequiredService<CeleriacApp>().Control);
        services.AddHealthChecks().AddCheck<BrokerHealthCheck>(CeleriacHealthChecks.Broker, tags: CeleriacHealthChecks.ReadyTags);
        // The backend check exists only when a backend is configured, which the options know only once bound.
        services.AddOptions<HealthCheckServiceOptions>().Configure<IOptions<CeleriacOptions>>((health, celeriac) =>
        {
            if (!CeleriacOptions.IsDisabled(celeriac.Value.ResultBackend))
                health.Registrations.Add(new HealthCheckRegistration(CeleriacHealthChecks.Backend,
                    sp => ActivatorUtilities.CreateInstance<BackendHealthCheck>(sp), failureStatus: null, CeleriacHealthChecks.ReadyTags));
        });
        return registrations;
    }

    private static CeleriacApp CreateApp(IServiceProvider services, CeleriacRegistrations registrations)
    {
        var options = services.GetRequiredService<IOptions<CeleriacOptions>>().Value;
        if (ReferenceEquals(options.LoggerFactory, NullLoggerFactory.Instance) && services.GetService<ILoggerFactory>() is { } loggers)
            options.LoggerFactory = loggers;
        options.MeterFactory ??= services.GetService<IMeterFactory>();
        var app = new CeleriacApp(options, services);
        foreach (var register in registrations.Tasks) register(app);
        return app;
    }
}
