using System.Globalization;

namespace Celeriac.Redis;

/// <summary>
/// Parses <c>redis://</c> / <c>rediss://</c> URLs the way redis-py's <c>from_url</c> does (which is
/// what kombu and Celery hand their URLs to), by hand rather than with <see cref="Uri"/>: Uri
/// re-escapes the user info and gives no useful message for a bad port or database.
/// </summary>
internal static class RedisUrl
{
    public static RedisConnectionOptions Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) throw Bad("it must start with redis:// or rediss://");
        var scheme = url[..schemeEnd].ToLowerInvariant();
        var useTls = scheme switch
        {
            "redis" => false,
            "rediss" => true,
            "unix" or "redis+socket" => throw Bad("Unix socket URLs are not supported; use redis://host:port"),
            _ => throw Bad($"unsupported scheme '{scheme}' (expected redis:// or rediss://)"),
        };

        var rest = url[(schemeEnd + 3)..];
        var query = "";
        var queryStart = rest.IndexOf('?');
        if (queryStart >= 0) (rest, query) = (rest[..queryStart], rest[(queryStart + 1)..]);
        var path = "";
        var pathStart = rest.IndexOf('/');
        if (pathStart >= 0) (rest, path) = (rest[..pathStart], rest[(pathStart + 1)..]);

        // The last '@' ends the user info: an unescaped '@' in a password then still works.
        string? user = null, password = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            if (colon >= 0)
            {
                user = Unescape(userInfo[..colon], "user name");
                password = Unescape(userInfo[(colon + 1)..], "password");
            }
            else
            {
                user = Unescape(userInfo, "user name");
            }
            if (user.Length == 0) user = null;
        }

        var (host, port) = ParseHostAndPort(rest);
        var database = ParseDatabase(path);
        var options = new RedisConnectionOptions
        {
            Host = host,
            Port = port,
            Database = database,
            UserName = user,
            Password = password,
            UseTls = useTls,
        };
        return ApplyQuery(options, query);
    }

    private static (string Host, int Port) ParseHostAndPort(string hostPort)
    {
        string host, portText = "";
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0) throw Bad("the IPv6 address has no closing ']'");
            host = hostPort[1..close];
            var after = hostPort[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':') throw Bad($"unexpected '{after}' after the IPv6 address");
                portText = after[1..];
            }
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            (host, portText) = colon >= 0 ? (hostPort[..colon], hostPort[(colon + 1)..]) : (hostPort, "");
            if (host.Contains(':')) throw Bad("put an IPv6 address in brackets, e.g. redis://[::1]:6379");
        }
        if (host.Length == 0) host = "localhost";
        if (portText.Length == 0) return (host, RedisConnectionOptions.DefaultPort);
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw Bad($"port '{portText}' is not a number between 1 and 65535");
        return (host, port);
    }

    private static int ParseDatabase(string path)
    {
        if (path.Length == 0) return 0;
        if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
            throw Bad($"database '{path}' is not a number (the path must be /<db>, e.g. /0)");
        return db;
    }

    private static RedisConnectionOptions ApplyQuery(RedisConnectionOptions options, string query)
    {
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Unescape(eq >= 0 ? pair[..eq] : pair, "option name");
            var value = eq >= 0 ? Unescape(pair[(eq + 1)..], $"option '{key}'") : "";
            options = key switch
            {
                "socket_timeout" => options with { SocketTimeout = Seconds(key, value) },
                "socket_connect_timeout" => options with { ConnectTimeout = Seconds(key, value) },
                // As in redis-py, a db in the query wins over the path.
                "db" => options with { Database = ParseDatabase(value) },
                "client_name" => options with { ClientName = value },
                "ssl_ca_certs" => options with { CaCertificatesPath = value },
                "ssl_cert_reqs" => options with { SkipCertificateValidation = CertReqsMeansSkip(value) },
                _ => options, // Python-side options (health_check_interval, …) mean nothing here.
            };
        }
        return options;
    }

    private static bool CertReqsMeansSkip(string value) => value.ToLowerInvariant() switch
    {
        "none" or "cert_none" => true,
        "optional" or "cert_optional" or "required" or "cert_required" => false,
        _ => throw Bad($"ssl_cert_reqs '{value}' is not one of none, optional, required"),
    };

    private static TimeSpan Seconds(string key, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || double.IsInfinity(seconds))
            throw Bad($"{key} '{value}' is not a positive number of seconds");
        return TimeSpan.FromSeconds(seconds);
    }

    private static string Unescape(string text, string what)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw Bad($"the {what} is not valid URL encoding");
        }
    }

    // Never echo the URL itself: it may hold the password.
    private static FormatException Bad(string problem) => new($"Invalid Redis URL: {problem}.");
}
