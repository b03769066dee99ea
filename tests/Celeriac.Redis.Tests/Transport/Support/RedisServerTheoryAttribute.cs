using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Transport.Support;

/// <summary>A theory that needs a real redis-server: skipped outside CI when it is missing, failing in CI (as <see cref="RedisFactAttribute"/>).</summary>
public sealed class RedisServerTheoryAttribute : TheoryAttribute
{
    public RedisServerTheoryAttribute()
    {
        if (ExternalTool.SkipReason("redis-server", "apt-get install redis-server") is { } reason) Skip = reason;
    }
}
