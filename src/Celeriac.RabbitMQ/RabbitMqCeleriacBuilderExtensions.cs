using Celeriac.Hosting;

namespace Celeriac;

/// <summary>Registers RabbitMQ with a hosted Celeriac app: <c>services.AddCeleriac(…).UseRabbitMq()</c>.</summary>
public static class RabbitMqCeleriacBuilderExtensions
{
    /// <summary>
    /// Adds the <c>amqp://</c>, <c>amqps://</c> and <c>pyamqp://</c> broker schemes and the <c>rpc://</c>
    /// result backend, as <see cref="RabbitMqCeleriacOptionsExtensions.UseRabbitMq(CeleriacOptions)"/> does for an app made by hand.
    /// </summary>
    /// <param name="builder">The builder from <c>AddCeleriac</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static CeleriacBuilder UseRabbitMq(this CeleriacBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configure(o => o.UseRabbitMq());
    }
}
