using Celeriac.Protocol.Results;

namespace Celeriac.Backends;

/// <summary>
/// A backend's native chord join (SPEC §4.8): the header size, the finished parts and an atomic
/// count, so exactly one worker — the one that adds the last part — sends the chord body.
/// Backends without it use <c>celery.chord_unlock</c> (SPEC §4.9).
/// </summary>
public interface IChordJoin
{
    /// <summary>Records the header size before the last header task is sent.</summary>
    ValueTask SetChordSizeAsync(string groupId, int size, CancellationToken cancellationToken = default);

    /// <summary>Adds extra expected parts (a header task was replaced by more tasks).</summary>
    ValueTask AddChordExtraAsync(string groupId, int count, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds one finished part (SUCCESS, FAILURE or REVOKED) and returns, atomically with the add,
    /// how many parts are in and how many are expected.
    /// </summary>
    ValueTask<ChordProgress> AddChordPartAsync(string groupId, int? groupIndex, ResultMeta part, CancellationToken cancellationToken = default);

    /// <summary>The finished parts ordered by group index (parts without one last).</summary>
    ValueTask<IReadOnlyList<ChordPart>> GetChordPartsAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the join's keys once the body was sent.</summary>
    ValueTask DeleteChordAsync(string groupId, CancellationToken cancellationToken = default);
}
