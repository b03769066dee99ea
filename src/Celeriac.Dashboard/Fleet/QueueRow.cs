namespace Celeriac.Dashboard.Fleet;

/// <summary>A queue as <c>GET P/api/fleet/queues</c> shows it (API16.md).</summary>
/// <param name="Name">The queue.</param>
/// <param name="Messages">Messages waiting.</param>
/// <param name="Priorities">Waiting per priority step on Redis (<c>{"0": n, "3": n, …}</c>); null elsewhere.</param>
/// <param name="Consumers">Consumers: the broker's count where it keeps one (RabbitMQ), else the workers consuming it.</param>
/// <param name="Workers">The workers whose active queues include it.</param>
/// <param name="RateIn">Tasks received from it per second over the last minute (from the store), when known.</param>
/// <param name="RateOut">Tasks finished from it per second over the last minute, when known.</param>
internal sealed record QueueRow(string Name, long Messages, IReadOnlyDictionary<string, long>? Priorities, long Consumers, IReadOnlyList<string> Workers, double? RateIn, double? RateOut);
