using Celeriac.Redis.Backend;
using Celeriac.Redis.Transport;

namespace Celeriac;

/// <summary>Registers Redis with a Celeriac app: <c>CeleriacApp.Create(o => o.UseRedis())</c>.</summary>
public static class RedisCeleriacOptionsExtensions
{
    /// <summary>
    /// Adds the <c>redis://</c> and <c>rediss://</c> (TLS) schemes: the kombu-compatible transport,
    /// which shares queues with Python Celery workers and honours Celery's
    /// <c>broker_transport_options</c> (<c>visibility_timeout</c>, <c>global_keyprefix</c>,
    /// <c>priority_steps</c>, <c>queue_order_strategy</c>, …), and the Celery-compatible result backend.
    /// <code>
    /// var app = CeleriacApp.Create(o =>
    /// {
    ///     o.BrokerUrl = "redis://localhost:6379/0";
    ///     o.ResultBackend = "redis://localhost:6379/1";
    ///     o.BrokerTransportOptions["visibility_timeout"] = "7200";
    ///     o.UseRedis();
    /// });
    /// </code>
    /// </summary>
    /// <param name="options">The app's options.</param>
    /// <returns>The same options, for chaining.</returns>
    public static CeleriacOptions UseRedis(this CeleriacOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Providers.AddTransport("redis", context => new RedisTransport(context));
        options.Providers.AddTransport("rediss", context => new RedisTransport(context));
        options.Providers.AddResultBackend("redis", RedisResultBackend.Create);
        options.Providers.AddResultBackend("rediss", RedisResultBackend.Create);
        return options;
    }
}
