using RabbitMQ.Client.Exceptions;

namespace Celeriac.RabbitMQ.Connection;

/// <summary>The broker could not be reached or refused the login; the message names the URL without its password.</summary>
internal sealed class AmqpConnectException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>Whether the broker answered and refused the credentials or the virtual host (retrying cannot help).</summary>
    public static bool IsLoginRefused(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            if (cause is AuthenticationFailureException) return true;
            if (cause is OperationInterruptedException { ShutdownReason.ReplyCode: 530 or 403 }) return true;
        }
        return false;
    }

    /// <summary>Whether the TLS handshake failed (an untrusted certificate, say: retrying cannot help).</summary>
    public static bool IsTlsRefused(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
            if (cause is System.Security.Authentication.AuthenticationException) return true;
        return false;
    }

    /// <summary>The innermost useful reason of a failed connect.</summary>
    public static string Describe(Exception e)
    {
        var cause = e;
        while (cause.InnerException is { } inner) cause = inner;
        return cause.Message;
    }
}
