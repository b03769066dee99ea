using Celeriac.Redis.Backend;

namespace Celeriac.Redis;

/// <summary>Registers Redis with a Celeriac app: <c>CeleriacApp.Create(o => o.UseRedis())</c>.</summary>
public static class RedisCeleriacOptionsExtensions
{
    /// <summary>
    /// Adds the <c>redis://</c> and <c>rediss://</c> schemes to <see cref="CeleriacOptions.Providers"/>,
    /// so <c>result_backend = "redis://host:6379/1"</c> uses the Celery-compatible Redis result backend.
    /// </summary>
    public static CeleriacOptions UseRedis(this CeleriacOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Providers.AddResultBackend("redis", RedisResultBackend.Create);
        options.Providers.AddResultBackend("rediss", RedisResultBackend.Create);
        return options;
    }
}
