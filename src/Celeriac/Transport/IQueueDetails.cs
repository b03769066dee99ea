namespace Celeriac.Transport;

/// <summary>
/// A transport that can say more about a waiting queue than its depth: how the messages split over
/// priorities (Redis keeps one list per priority step) and how many consumers the broker counts
/// (RabbitMQ's passive declare). The dashboard's queue page reads it; a transport without it shows the depth only.
/// </summary>
internal interface IQueueDetails
{
    /// <summary>The queue's waiting messages, per priority where the broker splits them, and its consumers where the broker counts them.</summary>
    ValueTask<QueueDetails> GetQueueDetailsAsync(string queue, CancellationToken cancellationToken = default);
}
