namespace Celeriac.RabbitMQ.Tests.Infrastructure;

/// <summary>A test that needs a real rabbitmq-server: skipped outside CI when it is missing, failing in CI.</summary>
public sealed class RabbitMqFactAttribute : FactAttribute
{
    public RabbitMqFactAttribute()
    {
        if (RabbitMqServer.SkipReason() is { } reason) Skip = reason;
    }
}
