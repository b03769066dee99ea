using System.Text.Json.Nodes;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary>
/// kombu's <c>Connection.info()</c> for the broker URL, as <c>stats</c> carries it under <c>broker</c>:
/// host, user, virtual host (the Redis db), port, transport... The password is left out, as Celery
/// pops it before replying.
/// </summary>
internal static class BrokerInfo
{
    public static JsonObject Describe(CeleriacOptions options)
    {
        var urls = options.BrokerUrl.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var first = urls.Length > 0 ? urls[0] : options.BrokerUrl;
        Uri.TryCreate(first, UriKind.Absolute, out var uri);
        var scheme = uri?.Scheme ?? first.Split("://")[0];
        var isRedis = scheme is "redis" or "rediss";
        var user = uri?.UserInfo is { Length: > 0 } info ? Uri.UnescapeDataString(info.Split(':')[0]) : null;
        var transportOptions = new JsonObject();
        foreach (var (key, value) in options.BrokerTransportOptions) transportOptions[key] = SettingsMask.Value(key, value);
        return new JsonObject
        {
            ["hostname"] = string.IsNullOrEmpty(uri?.Host) ? "localhost" : uri.Host,
            ["userid"] = string.IsNullOrEmpty(user) ? null : user,
            ["virtual_host"] = VirtualHost(uri, isRedis),
            ["port"] = uri is { IsDefaultPort: false, Port: > 0 } ? uri.Port : isRedis ? 6379 : (int?)null,
            ["insist"] = false,
            ["ssl"] = scheme is "rediss" or "amqps",
            ["transport"] = scheme,
            ["connect_timeout"] = 4,
            ["transport_options"] = transportOptions,
            ["login_method"] = null,
            ["uri_prefix"] = null,
            ["heartbeat"] = Protocol.Json.CeleryJson.PythonFloat(120),
            ["failover_strategy"] = "round-robin",
            ["alternates"] = new JsonArray(urls.Skip(1).Select(u => (JsonNode?)SettingsMask.Url(u)).ToArray()),
        };
    }

    /// <summary>Redis: the db number as text (<c>"0"</c> when the URL has none); elsewhere the path, <c>/</c> by default.</summary>
    private static string VirtualHost(Uri? uri, bool isRedis)
    {
        var path = uri?.AbsolutePath.Trim('/') ?? "";
        if (isRedis) return path.Length > 0 ? path : "0";
        return path.Length > 0 ? Uri.UnescapeDataString(path) : "/";
    }
}
