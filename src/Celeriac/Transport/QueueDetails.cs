namespace Celeriac.Transport;

/// <summary>What <see cref="IQueueDetails"/> reads about one queue.</summary>
/// <param name="Messages">Messages waiting (the same count as <see cref="ITransport.GetQueueDepthAsync"/>).</param>
/// <param name="ByPriority">Messages waiting per priority step (Redis: kombu's lists <c>q</c>, <c>q\x06\x163</c>, …); null when the broker keeps one queue.</param>
/// <param name="Consumers">Consumers the broker counts on the queue; null when it does not count them.</param>
internal sealed record QueueDetails(long Messages, IReadOnlyDictionary<int, long>? ByPriority, long? Consumers);
