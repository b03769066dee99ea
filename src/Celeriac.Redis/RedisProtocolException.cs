namespace Celeriac.Redis;

/// <summary>
/// The bytes from the server are not valid RESP (an unknown type byte, a bad length, a missing
/// CRLF), or a reply arrived that no command was waiting for. The connection is closed, because
/// after a framing error the client can no longer tell where the next reply starts.
/// </summary>
public sealed class RedisProtocolException : RedisException
{
    /// <summary>Creates the exception with a message that says what was wrong and where.</summary>
    public RedisProtocolException(string message) : base(message)
    {
    }
}
