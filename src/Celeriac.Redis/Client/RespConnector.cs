using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Celeriac.Redis.Resp;
using Celeriac.Transport;

namespace Celeriac.Redis.Client;

/// <summary>
/// Opens one <see cref="RespConnection"/>: TCP, TLS for <c>rediss://</c>, then one pipelined
/// handshake (<c>AUTH</c>, <c>SELECT</c>, <c>CLIENT SETNAME</c>, <c>PING</c>), all within the
/// connect timeout. Turns every way this can fail into a message that names the server.
/// </summary>
internal static class RespConnector
{
    /// <param name="options">Where to connect and how.</param>
    /// <param name="push">Pub/sub message filter for the new connection, if it is a subscriber.</param>
    /// <param name="initialize">Runs on the new connection before anyone else may use it (resubscribe).</param>
    /// <param name="cancellationToken">Abandons the attempt.</param>
    public static async Task<RespConnection> ConnectAsync(RedisConnectionOptions options, Func<RespValue, bool>? push,
        Func<RespConnection, CancellationToken, Task>? initialize, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.ConnectTimeout);
        var endPoint = options.EndPoint;
        // Before the socket exists: an unreadable CA file must not leak one.
        var validator = options.UseTls ? CertificateValidator(options) : null;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await socket.ConnectAsync(options.Host, options.Port, attempt.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (validator is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = options.Host,
                    RemoteCertificateValidationCallback = validator.Validate,
                }, attempt.Token).ConfigureAwait(false);
            }
        }
        catch (Exception error)
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw error switch
            {
                OperationCanceledException => new RedisConnectionException(
                    $"Could not connect to Redis at {endPoint}: no answer within {RespConnection.Describe(options.ConnectTimeout)} (socket_connect_timeout).", error),
                SocketException socketError => new RedisConnectionException(
                    $"Could not connect to Redis at {endPoint}: {socketError.SocketErrorCode} ({socketError.Message}).", error),
                AuthenticationException when validator?.Problem is { } problem => new RedisConnectionException(
                    $"TLS handshake with Redis at {endPoint} failed: {problem}.", error),
                AuthenticationException or IOException => new RedisConnectionException(
                    $"TLS handshake with Redis at {endPoint} failed: {error.Message}", error),
                _ => error,
            };
        }

        var connection = new RespConnection(socket, stream, endPoint, options.SocketTimeout, push);
        try
        {
            await HandshakeAsync(connection, options, attempt.Token).ConfigureAwait(false);
            if (initialize is not null) await initialize(connection, attempt.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception error)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (error is OperationCanceledException or TimeoutException)
                throw new RedisConnectionException(
                    $"Redis at {endPoint} accepted the connection but did not answer the handshake within {RespConnection.Describe(options.ConnectTimeout)}.", error);
            throw;
        }
    }

    private static async Task HandshakeAsync(RespConnection connection, RedisConnectionOptions options, CancellationToken cancellationToken)
    {
        var commands = new List<RedisCommand>(4);
        // As redis-py: a user name alone still authenticates (with an empty password).
        var authenticates = options.UserName is not null || options.Password is not null;
        if (authenticates)
        {
            commands.Add(options.UserName is null
                ? new RedisCommand("AUTH", options.Password!)
                : new RedisCommand("AUTH", options.UserName, options.Password ?? ""));
        }
        if (options.Database != 0) commands.Add(new RedisCommand("SELECT", options.Database));
        if (options.ClientName is not null) commands.Add(new RedisCommand("CLIENT", "SETNAME", options.ClientName));
        // PING last: proves the server answers, and reports NOAUTH when a password is needed but missing.
        commands.Add(new RedisCommand("PING"));

        var replies = await connection.ExecuteBatchAsync(commands, options.ConnectTimeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        var who = options.UserName is null ? "" : $" as user '{options.UserName}'";
        for (var i = 0; i < replies.Length; i++)
        {
            if (!replies[i].IsError) continue;
            var error = replies[i].AsString();
            throw commands[i].Name switch
            {
                "AUTH" => new RedisAuthenticationException($"Redis at {options.EndPoint} refused to authenticate{who}: {error}"),
                "PING" when error!.StartsWith("NOAUTH", StringComparison.Ordinal) => new RedisAuthenticationException(
                    $"Redis at {options.EndPoint} requires a password and the URL has none: {error}"),
                "SELECT" => new RedisConnectionException($"Redis at {options.EndPoint} refused SELECT {options.Database}: {error}"),
                _ => new RedisConnectionException($"Redis at {options.EndPoint} refused {commands[i].Name} while connecting: {error}"),
            };
        }
    }

    private static ServerCertificateValidator CertificateValidator(RedisConnectionOptions options)
    {
        try
        {
            return new ServerCertificateValidator(options.Host, options.CaCertificatesPath, options.SkipCertificateValidation);
        }
        catch (IOException error)
        {
            throw new RedisConnectionException(error.Message, error);
        }
    }
}
