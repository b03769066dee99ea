namespace Celeriac.Redis;

/// <summary>
/// The client could not reach Redis, or lost the connection while a command was in flight. The
/// message names the server (<c>host:port</c>) and the socket error. Commands that fail this way
/// may or may not have run on the server; the client reconnects by itself on the next command.
/// </summary>
public class RedisConnectionException : RedisException
{
    /// <summary>Creates the exception with a message that names the server and the cause.</summary>
    public RedisConnectionException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
