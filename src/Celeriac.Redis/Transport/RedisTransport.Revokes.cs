using System.Globalization;
using Celeriac.Redis.Resp;
using Celeriac.Revocation;

namespace Celeriac.Redis.Transport;

/// <content>
/// The revoke store on the broker's Redis (docs/architecture.md "Revokes that hold"): one sorted set,
/// <see cref="Layout.RedisLayout.RevokedKey"/>, task id → server time of the revoke, trimmed to the horizon
/// and the bound on every write. Python Celery never reads it; it only makes Celeriac workers
/// started later honour revokes sent before.
/// </content>
internal sealed partial class RedisTransport : IRevokeStore
{
    // A read's cursor stays this far behind the server's now, so a clock slewed back by NTP between two
    // reads cannot hide an entry; entries read twice are merged as once.
    private const double CursorOverlapSeconds = 1.0;

    /// <inheritdoc />
    public async ValueTask RememberAsync(IReadOnlyCollection<string> taskIds, RevokeRetention retention, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (taskIds.Count == 0) return;
        var arguments = new List<RedisArgument>(taskIds.Count + 2) { Number(retention.Horizon.TotalSeconds), retention.Max };
        foreach (var id in taskIds) arguments.Add(id);
        await _redis.EvaluateAsync(RevokeScripts.Remember, [Layout.RevokedKey], arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<RevokeStoreRead> ReadAsync(double? cursor, RevokeRetention retention, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var reply = await _redis.EvaluateAsync(RevokeScripts.Read, [Layout.RevokedKey],
            [cursor is { } c ? Number(c) : "", Number(retention.Horizon.TotalSeconds)], cancellationToken).ConfigureAwait(false);
        var parts = reply.AsArray();
        var now = double.Parse(parts[0].AsString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
        var flat = parts[1].AsArray();
        var entries = new List<RevokedEntry>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
            entries.Add(new RevokedEntry(flat[i].AsString()!, double.Parse(flat[i + 1].AsString()!, NumberStyles.Float, CultureInfo.InvariantCulture)));
        return new RevokeStoreRead(entries, now - CursorOverlapSeconds);
    }

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
