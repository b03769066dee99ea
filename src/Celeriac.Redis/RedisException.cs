namespace Celeriac.Redis;

/// <summary>
/// Base type of every error the Redis client raises, so callers can catch "anything Redis" in one
/// place. Timeouts are the exception: they surface as <see cref="TimeoutException"/>, which is what
/// .NET code already catches for them.
/// </summary>
public abstract class RedisException : Exception
{
    /// <summary>Creates the exception with a message and an optional cause.</summary>
    protected RedisException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
