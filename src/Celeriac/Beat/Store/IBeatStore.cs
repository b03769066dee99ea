namespace Celeriac.Beat.Store;

/// <summary>
/// Where beats elect their publisher and keep each entry's state and the run-time edits. A
/// transport that can share these between processes implements <see cref="IBeatStoreFactory"/>
/// (Redis: the lease, state and the push of a run in one script); otherwise a beat uses
/// <see cref="LocalBeatStore"/> (an in-process lease and a state file).
/// </summary>
internal interface IBeatStore : IAsyncDisposable
{
    /// <summary>True when processes share this store (other beats may publish), false when only this process sees it.</summary>
    bool IsShared { get; }

    /// <summary>
    /// Takes the lease when it is free or already <paramref name="holder"/>'s, for <paramref name="duration"/>
    /// from now; null when another holder has it. A new holding gets a higher <see cref="BeatLease.Term"/> than any before.
    /// </summary>
    ValueTask<BeatLease?> TryAcquireAsync(string holder, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Gives the lease up if still held (graceful stop), so a replica takes over at once.</summary>
    ValueTask ReleaseAsync(BeatLease lease, CancellationToken cancellationToken);

    /// <summary>Every entry's recorded state.</summary>
    ValueTask<IReadOnlyDictionary<string, BeatEntryState>> ReadStateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Publishes <paramref name="runs"/> in order. Each run goes out only while <paramref name="lease"/> is
    /// still held and its <see cref="BeatRun.Slot"/> is later than its entry's recorded last slot, and
    /// its new state is recorded in the same atomic step where the store allows (on Redis one script
    /// records the run and pushes the message onto kombu's list). A run already recorded is
    /// reported as a duplicate and not sent. Throws <see cref="BeatLeaseLostException"/> when the
    /// lease is no longer held: runs after that point are not sent.
    /// </summary>
    ValueTask<BeatPublishResult> PublishAsync(BeatLease lease, IReadOnlyList<BeatRun> runs, CancellationToken cancellationToken);

    /// <summary>
    /// Records states without publishing — the anchor a new entry counts from, or the re-anchoring of
    /// an edited one — each only where none is recorded or its <see cref="BeatEntryState.LastSlot"/>
    /// is later than the recorded one, and only while <paramref name="lease"/> is held (else
    /// <see cref="BeatLeaseLostException"/>).
    /// </summary>
    ValueTask WriteStatesAsync(BeatLease lease, IReadOnlyDictionary<string, BeatEntryState> states, CancellationToken cancellationToken);

    /// <summary>The version of the run-time edits: it changes whenever an edit is written.</summary>
    ValueTask<long> ReadEditsVersionAsync(CancellationToken cancellationToken);

    /// <summary>The run-time edits: each entry's definition as JSON (docs/interop.md, "Beat", plus <c>paused</c>), null for a removed one.</summary>
    ValueTask<BeatEdits> ReadEditsAsync(CancellationToken cancellationToken);

    /// <summary>Writes an entry's edit (null removes it) and bumps the version.</summary>
    ValueTask WriteEditAsync(string entry, string? definitionJson, CancellationToken cancellationToken);
}
