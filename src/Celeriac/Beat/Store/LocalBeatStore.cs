using Celeriac.Transport;

namespace Celeriac.Beat.Store;

/// <summary>
/// The store for a broker without a shared one (in memory, RabbitMQ): the lease is held in this
/// process (one per broker instance and schedule name, so beats in one process still elect one
/// publisher), state and edits live in memory and in a JSON file written with each run, and runs
/// are published through the transport after the lease check.
/// </summary>
internal sealed class LocalBeatStore : IBeatStore
{
    internal LocalBeatStore(ITransport transport, string scheduleName, string? stateFile, TimeProvider time) =>
        throw new NotImplementedException();

    public bool IsShared => false;
    public ValueTask<BeatLease?> TryAcquireAsync(string holder, TimeSpan duration, CancellationToken cancellationToken) => throw new NotImplementedException();
    public ValueTask ReleaseAsync(BeatLease lease, CancellationToken cancellationToken) => throw new NotImplementedException();
    public ValueTask<IReadOnlyDictionary<string, BeatEntryState>> ReadStateAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
    public ValueTask<BeatPublishResult> PublishAsync(BeatLease lease, IReadOnlyList<BeatRun> runs, CancellationToken cancellationToken) => throw new NotImplementedException();
    public ValueTask WriteStatesAsync(BeatLease lease, IReadOnlyDictionary<string, BeatEntryState> states, CancellationToken cancellationToken) => throw new NotImplementedException();
    public ValueTask<long> ReadEditsVersionAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
    public ValueTask<BeatEdits> ReadEditsAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
    public ValueTask WriteEditAsync(string entry, string? definitionJson, CancellationToken cancellationToken) => throw new NotImplementedException();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
