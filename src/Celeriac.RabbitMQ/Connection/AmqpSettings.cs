using System.Globalization;

namespace Celeriac.RabbitMQ.Connection;

/// <summary>
/// What an <c>amqp://</c> or <c>amqps://</c> URL says, read as kombu reads it: user and password
/// (default guest/guest), host and port (5672, or 5671 with TLS), the virtual host as the path
/// (<c>amqp://h//</c> and <c>amqp://h/</c> mean <c>/</c>, <c>amqp://h/%2F</c> too, <c>amqp://h/app</c> is
/// <c>app</c>), and query options <c>heartbeat</c> and <c>connect_timeout</c> in seconds; for TLS
/// (<c>amqps://</c>) Celery's <c>broker_use_ssl</c> keys as query options, named as on <c>rediss://</c>:
/// <c>ssl_ca_certs</c> (a PEM CA file), <c>ssl_certfile</c> and <c>ssl_keyfile</c> (a client certificate),
/// <c>ssl_cert_reqs=none|optional|required</c>, and <c>ssl_server_hostname</c>.
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

    /// <summary>PEM file of CA certificates to trust for the broker's certificate (<c>ssl_ca_certs</c>).</summary>
    public string? CaCertificatesPath { get; init; }

    /// <summary>Accept any broker certificate (<c>ssl_cert_reqs=none</c>): tests and trusted networks only.</summary>
    public bool SkipCertificateValidation { get; init; }

    /// <summary>PEM client certificate (<c>ssl_certfile</c>), with its key in <see cref="ClientKeyPath"/> (<c>ssl_keyfile</c>).</summary>
    public string? ClientCertificatePath { get; init; }

    /// <summary>PEM key of the client certificate (<c>ssl_keyfile</c>); the certificate file itself when absent.</summary>
    public string? ClientKeyPath { get; init; }

    /// <summary>The name the broker's certificate must be issued for; the host by default (<c>ssl_server_hostname</c>).</summary>
    public string? ServerName { get; init; }

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
                "ssl_ca_certs" => settings with { CaCertificatesPath = value },
                "ssl_certfile" => settings with { ClientCertificatePath = value },
                "ssl_keyfile" => settings with { ClientKeyPath = value },
                "ssl_server_hostname" => settings with { ServerName = value },
                "ssl_cert_reqs" => settings with { SkipCertificateValidation = value.ToLowerInvariant() switch
                {
                    "none" or "cert_none" => true,
                    "optional" or "cert_optional" or "required" or "cert_required" => false,
                    _ => throw new FormatException($"The broker URL option ssl_cert_reqs={value} is not one of none, optional, required."),
                } },
                _ => settings, // kombu ignores options it does not know; so do we.
            };
        }
        return settings;
    }

    /// <summary>The client certificates to present (<c>ssl_certfile</c>/<c>ssl_keyfile</c>), or null.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? ClientCertificates() =>
        ClientCertificatePath is { } cert
            ? [System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(cert, ClientKeyPath)]
            : null;

    /// <summary>The broker certificate check for these settings (the same rules as <c>rediss://</c>).</summary>
    /// <exception cref="IOException">The CA file cannot be read.</exception>
    public Celeriac.Transport.ServerCertificateValidator CertificateValidator() =>
        new(ServerName ?? Host, CaCertificatesPath, SkipCertificateValidation);

    /// <summary>TLS options for a connection of our own (the quarantine's), by the same rules as the library's.</summary>
    public System.Net.Security.SslClientAuthenticationOptions TlsClientOptions() => new()
    {
        TargetHost = ServerName ?? Host,
        RemoteCertificateValidationCallback = CertificateValidator().Validate,
        ClientCertificates = ClientCertificates(),
    };

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
