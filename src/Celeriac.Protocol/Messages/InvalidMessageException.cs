namespace Celeriac.Protocol.Messages;

/// <summary>
/// A message that cannot be read as a Celery message: bad JSON, a body of the wrong shape, missing
/// headers, a refused content type. The worker logs <see cref="Exception.Message"/> and rejects the
/// message without requeue; it never retries such a message.
/// </summary>
internal sealed class InvalidMessageException : Exception
{
    /// <summary>Creates the exception with a reason a log reader can act on.</summary>
    public InvalidMessageException(string reason, Exception? inner = null) : base(reason, inner) { }
}
