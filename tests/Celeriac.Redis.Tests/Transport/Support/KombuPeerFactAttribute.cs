using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Transport.Support;

/// <summary>A test that needs redis-server and Python Celery: skipped outside CI when either is missing, failing in CI.</summary>
public sealed class KombuPeerFactAttribute : FactAttribute
{
    public KombuPeerFactAttribute()
    {
        if (ExternalTool.SkipReason("redis-server", "apt-get install redis-server") is { } reason) Skip = reason;
        else if (!File.Exists(KombuPeer.Python) && !ExternalTool.IsCi) Skip = $"{KombuPeer.Python} is not installed (apt-get install python3-celery python3-redis); skipped outside CI.";
    }
}
