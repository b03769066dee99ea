namespace Celeriac.Redis.Tests.Infrastructure;

/// <summary>A test that needs a real redis-server: skipped outside CI when it is missing, failing in CI.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (ExternalTool.SkipReason("redis-server", "apt-get install redis-server") is { } reason) Skip = reason;
    }
}

/// <summary>A test that needs redis-server and openssl (for a TLS certificate).</summary>
public sealed class RedisTlsFactAttribute : FactAttribute
{
    public RedisTlsFactAttribute()
    {
        if ((ExternalTool.SkipReason("redis-server", "apt-get install redis-server") ??
             ExternalTool.SkipReason("openssl", "apt-get install openssl")) is { } reason) Skip = reason;
    }
}
