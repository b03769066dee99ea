using Celeriac.Protocol.Results;

namespace Celeriac.Backends;

/// <summary>
/// A backend's native chord join (docs/protocol.md §4.8): the header size, the finished parts and an atomic
/// count, so exactly one worker — the one that adds the last part — sends the chord body; and a
/// claim on that send, so that if the worker dies before it is done, the redelivered part takes
/// the send over after a lease (<see cref="ChordClaim"/>, <see cref="ChordProgress.ShouldSendBody"/>).
/// Backends without it use <c>celery.chord_unlock</c> (docs/protocol.md §4.9).
/// </summary>
internal interface IChordJoin
{
    /// <summary>Records the header size before the last header task is sent.</summary>
    ValueTask SetChordSizeAsync(string groupId, int size, CancellationToken cancellationToken = default);

    /// <summary>Adds extra expected parts (a header task was replaced by more tasks).</summary>
    ValueTask AddChordExtraAsync(string groupId, int count, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds one finished part (SUCCESS, FAILURE or REVOKED) and returns, atomically with the add,
    /// how many parts are in and how many are expected. A part whose task id is already in (the
    /// header task was redelivered and ran again) is not added again: the call reports it as a
    /// duplicate that neither counts nor completes (<see cref="ChordProgress.IsDuplicate"/>).
    /// </summary>
    /// <param name="groupId">The chord header's group id.</param>
    /// <param name="groupIndex">The part's position in the header (<c>group_index</c>), or null.</param>
    /// <param name="part">The header task's final meta: its id, state and result are stored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<ChordProgress> AddChordPartAsync(string groupId, int? groupIndex, ResultMeta part, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="AddChordPartAsync(string, int?, ResultMeta, CancellationToken)"/>, with the
    /// body's claim: the add that completes the header records <paramref name="claim"/>'s time; a
    /// duplicate add that finds the header complete and the join neither deleted
    /// (<see cref="DeleteChordAsync"/>) nor closed (<see cref="CloseChordAsync"/>) takes the claim
    /// over when it is older than the lease (<see cref="ChordProgress.TookOver"/>). A join completed
    /// by a peer that records no claim (a Python worker) is never taken over. The overload without
    /// a claim uses the backend's clock and <see cref="ChordClaim.DefaultLease"/>.
    /// </summary>
    /// <param name="groupId">The chord header's group id.</param>
    /// <param name="groupIndex">The part's position in the header (<c>group_index</c>), or null.</param>
    /// <param name="part">The header task's final meta: its id, state and result are stored.</param>
    /// <param name="claim">The caller's time and the claim's lease.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<ChordProgress> AddChordPartAsync(string groupId, int? groupIndex, ResultMeta part, ChordClaim claim, CancellationToken cancellationToken = default);

    /// <summary>The finished parts ordered by group index (parts without one last).</summary>
    ValueTask<IReadOnlyList<ChordPart>> GetChordPartsAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the join's keys once the body was sent.</summary>
    ValueTask DeleteChordAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that the body was dealt with while the join stays to expire (a failed part made it a
    /// <c>ChordError</c>, and Celery leaves the keys): no later duplicate add takes it over.
    /// </summary>
    ValueTask CloseChordAsync(string groupId, CancellationToken cancellationToken = default);
}
