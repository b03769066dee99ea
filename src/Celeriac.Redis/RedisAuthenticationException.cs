namespace Celeriac.Redis;

/// <summary>
/// Redis refused the credentials from the URL (<c>WRONGPASS</c>, or <c>NOAUTH</c> when the server
/// needs a password and none was given). The message names the server and the user, never the
/// password. It is a <see cref="RedisConnectionException"/> because no usable connection exists.
/// </summary>
public sealed class RedisAuthenticationException : RedisConnectionException
{
    /// <summary>Creates the exception; <paramref name="message"/> must not contain the password.</summary>
    public RedisAuthenticationException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
