using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Celeriac.RabbitMQ.Transport;

/// <summary>
/// Tells an operation cut short because the connection went (a broker restart, a network drop, or the
/// client library closing the shared connection over a message it cannot parse, which a consumer on it
/// received) from one the broker refused (a 406 or 404 answering this very method). The first may be
/// tried again on a new channel when that cannot duplicate anything, as a declare; the second is the
/// caller's error.
/// </summary>
internal static class LostConnection
{
    /// <summary>True when <paramref name="error"/> ended the operation because the connection or channel was lost, not because the broker refused it.</summary>
    public static bool Caused(OperationInterruptedException error) =>
        error is AlreadyClosedException
        || error.ShutdownReason is not { } reason
        || reason.Initiator != ShutdownInitiator.Peer
        // A refusal names the method it answers (exchange.declare is 40/10); a connection.close sent by
        // the broker for its own reasons (320 CONNECTION_FORCED) names none.
        || reason.ClassId == 0;
}
