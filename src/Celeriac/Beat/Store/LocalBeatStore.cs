using Celeriac.Transport;

namespace Celeriac.Beat.Store;

/// <summary>
/// The store for a broker without a shared one (in memory, RabbitMQ): the lease is held in this
/// process (one per broker instance and schedule name, so beats in one process still elect one
/// publisher), state and edits live in memory and in a JSON file written with each run, and runs
/// are published through the transport after the lease check.
/// </summary>
/// <remarks>
/// The file is replaced atomically after each publish batch, so a process killed (SIGKILL) mid-batch
/// loses at most the state of that batch: its runs that reached the broker are published again
/// after a restart, with the same task ids (<see cref="BeatTaskId"/>) so a consumer can recognise them.
/// That is the local store's at-least-once window; a shared store (Redis) records and pushes in one step.
/// </remarks>
internal sealed class LocalBeatStore : IBeatStore
{
    private readonly ITransport _transport;
    private readonly string? _stateFile;
    private readonly TimeProvider _time;
    private readonly LocalBeatSchedule _schedule;
    private DateTime _fileSeen;

    internal LocalBeatStore(ITransport transport, string scheduleName, string? stateFile, TimeProvider time)
    {
        _transport = transport;
        _stateFile = stateFile;
        _time = time;
        _schedule = LocalBeatSchedule.For(transport, scheduleName);
        if (stateFile is null) return;
        _schedule.Gate.Wait();
        try
        {
            if (_schedule.LoadedFiles.Add(Path.GetFullPath(stateFile))) LoadFile();
        }
        finally { _schedule.Gate.Release(); }
    }

    public bool IsShared => false;

    public async ValueTask<BeatLease?> TryAcquireAsync(string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        await _schedule.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_schedule.Holder is not null && _schedule.Holder != holder && now < _schedule.ExpiresAt) return null;
            // A new holding (free, expired, or someone else's before) gets a new fencing term.
            if (_schedule.Holder != holder || now >= _schedule.ExpiresAt)
            {
                _schedule.Term++;
                _schedule.Holder = holder;
            }
            _schedule.ExpiresAt = now + duration;
            return new BeatLease(holder, _schedule.Term, _schedule.ExpiresAt);
        }
        finally { _schedule.Gate.Release(); }
    }

    public async ValueTask ReleaseAsync(BeatLease lease, CancellationToken cancellationToken)
    {
        await _schedule.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schedule.Holder == lease.Holder && _schedule.Term == lease.Term) _schedule.Holder = null;
        }
        finally { _schedule.Gate.Release(); }
    }

    public async ValueTask<IReadOnlyDictionary<string, BeatEntryState>> ReadStateAsync(CancellationToken cancellationToken)
    {
        await _schedule.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new Dictionary<string, BeatEntryState>(_schedule.States, StringComparer.Ordinal);
        }
        finally { _schedule.Gate.Release(); }
    }

    public async ValueTask<BeatPublishResult> PublishAsync(BeatLease lease, IReadOnlyList<BeatRun> runs, CancellationToken cancellationToken)
    {
        await _schedule.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var published = 0;
        List<BeatRun> duplicates = [];
        try
        {
            foreach (var run in runs)
            {
                // Checked before each run: a lease that expires mid-batch stops the batch there.
                if (!_schedule.Holds(lease, _time.GetUtcNow()))
                    throw new BeatLeaseLostException($"The beat lease of schedule '{_schedule.Name}' is no longer held by {lease.Holder} (term {lease.Term}).");
                if (_schedule.States.TryGetValue(run.Entry, out var recorded) && run.Slot <= recorded.LastSlot)
                {
                    duplicates.Add(run);
                    continue;
                }
                await _transport.PublishAsync(run.Message, run.Route, cancellationToken).ConfigureAwait(false);
                _schedule.States[run.Entry] = run.NewState;
                published++;
            }
            return new BeatPublishResult(published, duplicates);
        }
        finally
        {
            // Also after a failure part-way: what was published is recorded.
            try
            {
                if (published > 0) SaveFile();
            }
            finally { _schedule.Gate.Release(); }
        }
    }

    public async ValueTask WriteStatesAsync(BeatLease lease, IReadOnlyDictionary<string, BeatEntryState> states, CancellationToken cancellationToken)
    {
        await _schedule.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_schedule.Holds(lease, _time.GetUtcNow()))
                throw new BeatLeaseLostException($"The beat lease of schedule '{_schedule.Name}' is no longer held by {lease.Holder} (term {lease.Term}).");
            var changed = false;
            foreach (var (name, state) in states)
            {
                if (_schedule.States.TryGetValue(name, out var recorded) && state.LastSlot <= recorded.LastSlot) continue;
                _schedule.States[name] = state;
                changed = true;
            }
            if (changed) SaveFile();
        }
        finally { _schedule.Gate.Release(); }
    }

    public async ValueTask<long> ReadEditsVersionAsync(CancellationToken cancellationToken)
    {
        await _schedule.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReloadIfChanged();
            return _schedule.EditsVersion;
        }
        finally { _schedule.Gate.Release(); }
    }

    public async ValueTask<BeatEdits> ReadEditsAsync(CancellationToken cancellationToken)
    {
        await _schedule.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReloadIfChanged();
            return new BeatEdits(_schedule.EditsVersion, new Dictionary<string, string?>(_schedule.Edits, StringComparer.Ordinal));
        }
        finally { _schedule.Gate.Release(); }
    }

    public async ValueTask WriteEditAsync(string entry, string? definitionJson, CancellationToken cancellationToken)
    {
        await _schedule.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReloadIfChanged();
            _schedule.Edits[entry] = definitionJson;
            _schedule.EditsVersion++;
            SaveFile();
        }
        finally { _schedule.Gate.Release(); }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // Under Gate.
    private void LoadFile()
    {
        _fileSeen = File.Exists(_stateFile) ? File.GetLastWriteTimeUtc(_stateFile!) : default;
        _schedule.Merge(LocalBeatStateFile.Read(_stateFile!));
    }

    /// <summary>
    /// Picks up edits another process wrote to the same file (app.Beat in a separate tool): the
    /// file is read again when its write time moved since this store last wrote or read it. Under Gate.
    /// </summary>
    private void ReloadIfChanged()
    {
        if (_stateFile is null || !File.Exists(_stateFile)) return;
        if (File.GetLastWriteTimeUtc(_stateFile) != _fileSeen) LoadFile();
    }

    // Under Gate. Merges what another process wrote since this store last looked, so its edit is not overwritten.
    private void SaveFile()
    {
        if (_stateFile is null) return;
        ReloadIfChanged();
        LocalBeatStateFile.Write(_stateFile, _schedule.Name, _schedule.States, _schedule.EditsVersion, _schedule.Edits);
        _fileSeen = File.GetLastWriteTimeUtc(_stateFile);
    }
}
