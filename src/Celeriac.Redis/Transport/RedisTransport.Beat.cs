using Celeriac.Beat.Store;
using Celeriac.Redis.Beat;

namespace Celeriac.Redis.Transport;

/// <content>
/// The beat store on the broker's Redis (docs/architecture.md "Beat"): beats against this broker share
/// one lease, the entries' state and the run-time edits per schedule name, and publish each run in
/// the same script that records it.
/// </content>
internal sealed partial class RedisTransport : IBeatStoreFactory
{
    /// <inheritdoc />
    public IBeatStore OpenBeatStore(string scheduleName)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new RedisBeatStore(this, _redis, scheduleName, _clock);
    }
}
