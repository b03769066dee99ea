using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Microsoft.Extensions.Logging;

namespace Celeriac.RabbitMQ.Connection;

/// <summary>
/// The one AMQP connection a transport (or rpc backend) shares, opened on first use and opened
/// again on the next use after it was lost. Channels are created from it; each knows the
/// <see cref="Generation"/> it was made in, so a delivery from a lost connection is never acked
/// on a new one (it comes back as a redelivery). RabbitMQ.Client's own automatic recovery is off:
/// it recovers only after a connection shutdown, not a closed channel or a cancelled consumer, and
/// does not retry a failed first connect (docs/architecture.md, RabbitMQ), so resuming is ours.
/// </summary>
internal sealed class AmqpConnection : IAsyncDisposable
{
    private readonly AmqpSettings _settings;
    private readonly string _clientName;
    private readonly ILogger _logger;
    private readonly int _firstConnectRetries;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private IConnection? _connection;
    private long _generation;
    private int _disposed;

    /// <summary>
    /// A connection for <paramref name="settings"/>; nothing is opened until first use. The very first
    /// connection is tried up to <paramref name="firstConnectRetries"/> times with backoff (0: without
    /// limit), as Celery's <c>broker_connection_max_retries</c>; later ones once per use, as whoever
    /// uses the connection retries by itself (a consumer resumes, a publish fails).
    /// </summary>
    public AmqpConnection(AmqpSettings settings, string clientName, ILogger logger, int firstConnectRetries = 1)
    {
        _settings = settings;
        _clientName = clientName;
        _logger = logger;
        _firstConnectRetries = firstConnectRetries;
    }

    /// <summary>What the connection was made from.</summary>
    public AmqpSettings Settings => _settings;

    /// <summary>Counts the connections opened so far; a channel of an older generation is dead.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Raised (on a library thread) when an open connection is lost or closed by the broker.</summary>
    public event Action<ShutdownEventArgs>? Lost;

    /// <summary>The open connection, opening one when there is none.</summary>
    /// <exception cref="AmqpConnectException">The broker cannot be reached or refused the login; the message names the URL without its password.</exception>
    public async ValueTask<IConnection> GetAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _connection) is { IsOpen: true } open) return open;
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { IsOpen: true } again) return again;
            if (_connection is { } stale)
            {
                await DisposeQuietlyAsync(stale).ConfigureAwait(false);
                // Forgotten at once: should the connect below fail, DisposeAsync must not touch a disposed connection.
                Volatile.Write(ref _connection, null);
            }
            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            connection.ConnectionShutdownAsync += OnShutdownAsync;
            Interlocked.Increment(ref _generation);
            Volatile.Write(ref _connection, connection);
            _logger.LogInformation("Connected to {Broker}", _settings);
            return connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var first = Generation == 0;
        var tries = first ? _firstConnectRetries : 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CreateFactory().CreateConnectionAsync(_clientName, cancellationToken).ConfigureAwait(false);
            }
            catch (BrokerUnreachableException e)
            {
                var reason = AmqpConnectException.Describe(e);
                if (AmqpConnectException.IsLoginRefused(e))
                    throw new AmqpConnectException($"RabbitMQ at {_settings} refused the login of user '{_settings.UserName}' (wrong user or password, or no access to virtual host '{_settings.VirtualHost}'): {reason}", e);
                if (AmqpConnectException.IsTlsRefused(e))
                    throw new AmqpConnectException($"The TLS handshake with RabbitMQ at {_settings} failed: {reason}. Is the broker's certificate issued for " +
                        $"'{_settings.ServerName ?? _settings.Host}' and signed by a CA in ssl_ca_certs (or the system store)? ssl_cert_reqs=none skips the check (tests only).", e);
                if (tries != 0 && attempt >= tries)
                    throw new AmqpConnectException($"Cannot connect to RabbitMQ at {_settings}{(first && tries > 1 ? $" after {attempt} tries" : "")}: {reason}", e);
                var delay = TimeSpan.FromMilliseconds(Math.Min(1000, 100 * Math.Pow(2, Math.Min(attempt - 1, 10))));
                if (attempt == 1 || attempt % 10 == 0)
                    _logger.LogWarning("Cannot connect to RabbitMQ at {Broker} (try {Attempt}{Of}): {Reason}; trying again in {Delay} ms",
                        _settings, attempt, tries == 0 ? "" : $" of {tries}", reason, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Creates a channel on the open connection (opening it first when needed).</summary>
    public async ValueTask<(IChannel Channel, long Generation)> CreateChannelAsync(bool publisherConfirms, CancellationToken cancellationToken = default)
    {
        var connection = await GetAsync(cancellationToken).ConfigureAwait(false);
        var generation = Generation;
        // Confirms tracked by us (Transport/PublishConfirms): the library's tracking adds an
        // x-dotnet-pub-seq-no header to every message, which Python peers would see.
        var options = new CreateChannelOptions(publisherConfirmationsEnabled: publisherConfirms, publisherConfirmationTrackingEnabled: false);
        var channel = await connection.CreateChannelAsync(options, cancellationToken).ConfigureAwait(false);
        return (channel, generation);
    }

    /// <summary>How many publishes may wait for their confirm at once on one channel.</summary>
    public const int PublishWindow = 1024;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (Interlocked.Exchange(ref _connection, null) is { } connection)
        {
            connection.ConnectionShutdownAsync -= OnShutdownAsync;
            await DisposeQuietlyAsync(connection).ConfigureAwait(false);
        }
        _connectLock.Dispose();
    }

    private ConnectionFactory CreateFactory()
    {
        var factory = new ConnectionFactory
        {
            HostName = _settings.Host,
            Port = _settings.Port,
            VirtualHost = _settings.VirtualHost,
            UserName = _settings.UserName,
            Password = _settings.Password,
            RequestedHeartbeat = _settings.Heartbeat,
            RequestedConnectionTimeout = _settings.ConnectTimeout,
            HandshakeContinuationTimeout = _settings.ConnectTimeout + TimeSpan.FromSeconds(6),
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
        };
        if (_settings.UseTls)
        {
            var check = _settings.CertificateValidator();
            factory.Ssl = new SslOption
            {
                Enabled = true,
                ServerName = _settings.ServerName ?? _settings.Host,
                CertificateValidationCallback = check.Validate,
                Certs = _settings.ClientCertificates(),
            };
        }
        return factory;
    }

    private Task OnShutdownAsync(object sender, ShutdownEventArgs e)
    {
        if (e.Initiator != ShutdownInitiator.Application)
            _logger.LogWarning("Connection to {Broker} lost: {Reason}", _settings, e.ReplyText);
        Lost?.Invoke(e);
        return Task.CompletedTask;
    }

    private static async ValueTask DisposeQuietlyAsync(IConnection connection)
    {
        try
        {
            if (connection.IsOpen) await connection.CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Closing a connection that is going away anyway.
        }
        connection.Dispose();
    }
}
