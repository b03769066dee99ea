namespace Celeriac.Redis.Client;

/// <summary>A pub/sub message as delivered to a <see cref="RedisSubscriber"/>.</summary>
/// <param name="Channel">The channel it was published to.</param>
/// <param name="Pattern">The pattern that matched, for PSUBSCRIBE deliveries; otherwise null.</param>
/// <param name="Payload">The published bytes.</param>
internal readonly record struct RedisMessage(string Channel, string? Pattern, ReadOnlyMemory<byte> Payload);
