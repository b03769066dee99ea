namespace Celeriac.RabbitMQ;

/// <summary>
/// A publish RabbitMQ did not confirm: the broker nacked it (a full queue with
/// <c>x-overflow=reject-publish</c>, an internal error), no confirm came within <c>confirm_timeout</c>,
/// or the connection was lost before the confirm. Celeriac never drops such a message silently;
/// a timeout or a lost connection means it may or may not be in the queue.
/// </summary>
public class RabbitMqPublishException : Exception
{
    /// <summary>An exception with <paramref name="message"/>.</summary>
    public RabbitMqPublishException(string message) : base(message) { }

    /// <summary>An exception with <paramref name="message"/> and its cause.</summary>
    public RabbitMqPublishException(string message, Exception innerException) : base(message, innerException) { }
}
