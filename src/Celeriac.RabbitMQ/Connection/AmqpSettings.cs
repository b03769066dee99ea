using System.Globalization;

namespace Celeriac.RabbitMQ.Connection;

/// <summary>
/// What an <c>amqp://</c> or <c>amqps://</c> URL says, read as kombu reads it: user and password
/// (default guest/guest), host and port (5672, or 5671 with TLS), the virtual host as the path
/// (<c>amqp://h//</c> and <c>amqp://h/</c> mean <c>/</c>, <c>amqp://h/%2F</c> too, <c>amqp://h/app</c> is
/// <c>app</c>), and query options <c>heartbeat</c> and <c>connect_timeout</c> in seconds.
/// </summary>
internal sealed record AmqpSettings
{
    /// <summary>Host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>TCP port.</summary>
    public required int Port { get; init; }

    /// <summary>The virtual host.</summary>
    public required string VirtualHost { get; init; }

    /// <summary>User name.</summary>
    public string UserName { get; init; } = "guest";

    /// <summary>Password.</summary>
    public string Password { get; init; } = "guest";

    /// <summary>True for <c>amqps://</c>.</summary>
    public bool UseTls { get; init; }

    /// <summary>Requested heartbeat; Celery asks for 120 s and RabbitMQ negotiates 60 s.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a TCP connect and handshake may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Parses a broker URL.</summary>
    /// <exception cref="FormatException">The URL is not <c>amqp://</c>/<c>amqps://</c> or an option is malformed.</exception>
    public static AmqpSettings Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new FormatException($"'{Redact(url)}' is not a broker URL; expected amqp://user:password@host:5672/vhost.");
        var tls = uri.Scheme.ToLowerInvariant() switch
        {
            "amqp" or "pyamqp" => false,
            "amqps" => true,
            _ => throw new FormatException($"'{uri.Scheme}://' is not an AMQP URL; expected amqp:// or amqps://."),
        };
        string user = "guest", password = "guest";
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var settings = new AmqpSettings
        {
            Host = uri.Host.Length == 0 ? "localhost" : uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? (tls ? 5671 : 5672) : uri.Port,
            VirtualHost = VirtualHostOf(uri),
            UserName = user,
            Password = password,
            UseTls = tls,
        };
        foreach (var (key, value) in Query(uri))
        {
            settings = key switch
            {
                "heartbeat" => settings with { Heartbeat = Seconds(key, value) },
                "connect_timeout" => settings with { ConnectTimeout = Seconds(key, value) },
                _ => settings, // kombu ignores options it does not know; so do we.
            };
        }
        return settings;
    }

    /// <summary>The URL without its password, for messages and logs.</summary>
    public static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal)
            ? url.Replace(uri.UserInfo, uri.UserInfo[..uri.UserInfo.IndexOf(':', StringComparison.Ordinal)] + ":***", StringComparison.Ordinal)
            : url;

    /// <inheritdoc />
    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{UserName}@{Host}:{Port}/{Uri.EscapeDataString(VirtualHost)}";

    private static string VirtualHostOf(Uri uri)
    {
        // The raw path keeps %2F escaped, so "amqp://h/%2F" and "amqp://h//" both come out as "/".
        var path = uri.AbsolutePath;
        if (path.Length <= 1) return "/";
        var vhost = Uri.UnescapeDataString(path[1..]);
        return vhost.Length == 0 ? "/" : vhost;
    }

    private static IEnumerable<(string Key, string Value)> Query(Uri uri)
    {
        foreach (var part in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            yield return eq < 0
                ? (Uri.UnescapeDataString(part), "")
                : (Uri.UnescapeDataString(part[..eq]), Uri.UnescapeDataString(part[(eq + 1)..]));
        }
    }

    private static TimeSpan Seconds(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && double.IsFinite(seconds)
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException($"The broker URL option {key}={value} is not a number of seconds.");
}
