using System.Globalization;
using System.Text;

namespace Celeriac.Redis;

/// <summary>
/// Where and how to connect to Redis. Usually parsed from a Celery/kombu style URL:
/// <code>
/// var options = RedisConnectionOptions.Parse("rediss://worker:s3cret@redis.example:6380/2?socket_timeout=10");
/// </code>
/// <c>redis://[[user]:password@]host[:port][/db][?options]</c>; <c>rediss://</c> turns on TLS.
/// Query options (seconds, as redis-py and kombu read them): <c>socket_timeout</c>,
/// <c>socket_connect_timeout</c>; for TLS <c>ssl_cert_reqs=none|optional|required</c> and
/// <c>ssl_ca_certs=/path/ca.pem</c>; <c>client_name</c>; <c>db</c>. Other options are ignored, so
/// URLs written for Python work unchanged. A record, so <c>options with { SocketTimeout = … }</c> works.
/// </summary>
internal sealed record RedisConnectionOptions
{
    /// <summary>The port Redis listens on unless the URL says otherwise.</summary>
    public const int DefaultPort = 6379;

    private readonly string _host = "localhost";
    private readonly int _port = DefaultPort;
    private readonly int _database;
    private readonly TimeSpan _connectTimeout = TimeSpan.FromSeconds(5);
    private readonly TimeSpan _socketTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Host name or IP address. Default <c>localhost</c>.</summary>
    public string Host
    {
        get => _host;
        init => _host = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("The Redis host must not be empty.", nameof(Host)) : value;
    }

    /// <summary>TCP port. Default 6379.</summary>
    public int Port
    {
        get => _port;
        init => _port = value is >= 1 and <= 65535 ? value : throw new ArgumentOutOfRangeException(nameof(Port), value, "The Redis port must be between 1 and 65535.");
    }

    /// <summary>Database number selected after connecting (<c>SELECT</c>). Default 0.</summary>
    public int Database
    {
        get => _database;
        init => _database = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Database), value, "The Redis database number must not be negative.");
    }

    /// <summary>ACL user name; <see langword="null"/> authenticates as the default user.</summary>
    public string? UserName { get; init; }

    /// <summary>Password; <see langword="null"/> sends no <c>AUTH</c>. Never shown by <see cref="ToString"/> or in errors.</summary>
    public string? Password { get; init; }

    /// <summary>Connect with TLS (<c>rediss://</c>).</summary>
    public bool UseTls { get; init; }

    /// <summary>
    /// Accept any server certificate (<c>ssl_cert_reqs=none</c>). Only for tests and trusted
    /// networks: it gives up protection against a man in the middle.
    /// </summary>
    public bool SkipCertificateValidation { get; init; }

    /// <summary>
    /// PEM file of CA certificates to trust for the server certificate instead of the system store
    /// (<c>ssl_ca_certs</c>), for servers with a private CA.
    /// </summary>
    public string? CaCertificatesPath { get; init; }

    /// <summary>
    /// Limit for one connection attempt: TCP connect, TLS handshake, <c>AUTH</c> and <c>SELECT</c>
    /// (<c>socket_connect_timeout</c>). Default 5 seconds.
    /// </summary>
    public TimeSpan ConnectTimeout
    {
        get => _connectTimeout;
        init => _connectTimeout = RequirePositive(value, nameof(ConnectTimeout));
    }

    /// <summary>
    /// How long a command may wait for its reply (<c>socket_timeout</c>); past it the command fails
    /// with <see cref="TimeoutException"/> and the connection is replaced. Blocking commands get
    /// their server-side timeout on top. Default 30 seconds.
    /// </summary>
    public TimeSpan SocketTimeout
    {
        get => _socketTimeout;
        init => _socketTimeout = RequirePositive(value, nameof(SocketTimeout));
    }

    /// <summary>Name sent with <c>CLIENT SETNAME</c> so the connection is recognisable in <c>CLIENT LIST</c>; none by default.</summary>
    public string? ClientName { get; init; }

    /// <summary><c>host:port</c> as used in error messages (IPv6 hosts in brackets).</summary>
    public string EndPoint => (_host.Contains(':') ? $"[{_host}]" : _host) + ":" + _port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a <c>redis://</c> or <c>rediss://</c> URL; see the type's summary for the syntax.</summary>
    /// <exception cref="FormatException">The URL is malformed; the message names the part that is wrong.</exception>
    public static RedisConnectionOptions Parse(string url) => RedisUrl.Parse(url);

    /// <summary>The options as a URL with the password replaced by <c>***</c>, safe to log.</summary>
    public override string ToString()
    {
        var url = new StringBuilder(UseTls ? "rediss://" : "redis://");
        if (UserName is not null || Password is not null)
        {
            url.Append(Uri.EscapeDataString(UserName ?? ""));
            if (Password is not null) url.Append(":***");
            url.Append('@');
        }
        url.Append(EndPoint).Append('/').Append(_database.ToString(CultureInfo.InvariantCulture));
        return url.ToString();
    }

    private static TimeSpan RequirePositive(TimeSpan value, string name) =>
        value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(name, value, "Redis timeouts must be positive (or Timeout.InfiniteTimeSpan).");
}
