using Celeriac.Redis.Backend;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Redis.Tests.Backend.Support;

/// <summary>Backends on a test server, built from app options the way <c>UseRedis()</c> builds them.</summary>
internal static class TestBackends
{
    public static readonly TimeSpan OneDay = TimeSpan.FromDays(1);

    /// <param name="server">The server.</param>
    /// <param name="database">The backend db (Celery's examples use 1 for results).</param>
    /// <param name="prefix"><c>global_keyprefix</c>, or null for none.</param>
    /// <param name="expires"><c>result_expires</c> (null: keep forever).</param>
    /// <param name="ordered"><c>result_chord_ordered</c>.</param>
    /// <param name="query">Extra URL options, e.g. <c>socket_connect_timeout=0.5</c>.</param>
    /// <param name="watchInterval">How often waiters check the subscriber connection.</param>
    public static RedisResultBackend Create(RedisServer server, int database = 1, string? prefix = null, TimeSpan? expires = null,
        bool useDefaultExpiry = true, bool ordered = true, string? query = null, TimeSpan? watchInterval = null)
    {
        var options = new CeleriacOptions { ResultExpires = useDefaultExpiry ? expires ?? OneDay : expires };
        if (prefix is not null) options.ResultBackendTransportOptions["global_keyprefix"] = prefix;
        if (!ordered) options.ResultBackendTransportOptions["result_chord_ordered"] = "false";
        var context = new ProviderContext(new Uri(server.Url(database, query: query)), options, NullLoggerFactory.Instance);
        return new RedisResultBackend(RedisBackendSettings.From(context), NullLoggerFactory.Instance, watchInterval);
    }
}
