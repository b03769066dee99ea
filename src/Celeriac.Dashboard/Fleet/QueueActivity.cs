using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// What the store's per-queue rollups say about queues: the queues tasks came from in the last hour (so a queue no
/// worker consumes now still shows) and each queue's rates over the last complete minute — received in, finished out, per second.
/// </summary>
internal sealed class QueueActivity
{
    private readonly Dictionary<string, (double In, double Out)> _rates = new(StringComparer.Ordinal);

    private QueueActivity(IReadOnlyList<string> seen) => Seen = seen;

    /// <summary>Queues named by the last hour's rollups.</summary>
    public IReadOnlyList<string> Seen { get; }

    public static async Task<QueueActivity> ReadAsync(IDashboardStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var minute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var rollups = await store.GetRollupsAsync(minute.AddHours(-1), minute, cancellationToken: cancellationToken).ConfigureAwait(false);
        var activity = new QueueActivity(rollups.Select(r => r.Queue).OfType<string>().Distinct(StringComparer.Ordinal).ToList());
        foreach (var g in rollups.Where(r => r.Queue is not null && r.Minute == minute.AddMinutes(-1)).GroupBy(r => r.Queue!, StringComparer.Ordinal))
            activity._rates[g.Key] = (g.Sum(r => r.Received) / 60.0, g.Sum(r => r.Succeeded + r.Failed) / 60.0);
        return activity;
    }

    /// <summary>A queue's rates; zero for a queue the last minute saw nothing of.</summary>
    public (double? In, double? Out) RatesOf(string queue) => _rates.TryGetValue(queue, out var rates) ? rates : (0, 0);
}
