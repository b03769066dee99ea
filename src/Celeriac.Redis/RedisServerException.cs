namespace Celeriac.Redis;

/// <summary>
/// Redis answered one command with an error reply, for example
/// <c>WRONGTYPE Operation against a key holding the wrong kind of value</c>. Only that command
/// fails; the connection stays usable.
/// </summary>
public sealed class RedisServerException : RedisException
{
    /// <summary>Creates the exception from the server's error text.</summary>
    /// <param name="message">The error text exactly as Redis sent it.</param>
    public RedisServerException(string message) : base(message)
    {
        var space = message.IndexOf(' ');
        ErrorCode = space > 0 ? message[..space] : message;
    }

    /// <summary>
    /// The error's first word, which Redis uses as a machine-readable code: <c>ERR</c>,
    /// <c>WRONGTYPE</c>, <c>NOSCRIPT</c>, <c>EXECABORT</c>, <c>BUSY</c>, …
    /// </summary>
    public string ErrorCode { get; }
}
