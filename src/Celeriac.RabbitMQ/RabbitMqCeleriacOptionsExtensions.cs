using Celeriac.RabbitMQ.Backend;
using Celeriac.RabbitMQ.Transport;

namespace Celeriac;

/// <summary>Registers RabbitMQ with a Celeriac app: <c>CeleriacApp.Create(o => o.UseRabbitMq())</c>.</summary>
public static class RabbitMqCeleriacOptionsExtensions
{
    /// <summary>
    /// Adds the <c>amqp://</c>, <c>amqps://</c> (TLS) and <c>pyamqp://</c> broker schemes: the AMQP
    /// transport that declares what Celery declares, so Python Celery and Celeriac share queues,
    /// events and remote control in one virtual host; and the <c>rpc://</c> result backend.
    /// <code>
    /// var app = CeleriacApp.Create(o =>
    /// {
    ///     o.BrokerUrl = "amqp://guest:guest@localhost:5672//";
    ///     o.ResultBackend = "redis://localhost:6379/1"; // or "rpc://"
    ///     o.UseRabbitMq().UseRedis();
    /// });
    /// </code>
    /// </summary>
    /// <param name="options">The app's options.</param>
    /// <returns>The same options, for chaining.</returns>
    public static CeleriacOptions UseRabbitMq(this CeleriacOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var scheme in new[] { "amqp", "amqps", "pyamqp" })
            options.Providers.AddTransport(scheme, context => new RabbitMqTransport(context));
        options.Providers.AddResultBackend("rpc", RpcResultBackend.Create);
        return options;
    }
}
