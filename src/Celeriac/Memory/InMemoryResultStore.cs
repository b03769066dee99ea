using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Results;

namespace Celeriac.Memory;

/// <summary>
/// The embedded result store behind <c>memory://name</c> as a result backend: shared by every app in
/// the process that uses the same name, safe across threads, waiters woken on store.
/// </summary>
internal sealed class InMemoryResultStore
{
    private static readonly ConcurrentDictionary<string, InMemoryResultStore> Stores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (ResultMeta Meta, DateTimeOffset? ExpiresAt)> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonArray> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ResultMeta>> _waiters = new(StringComparer.Ordinal);
    // Chord joins (docs/protocol.md §4.8), read and written only under _writeLock: the count a part sees must
    // include exactly the parts added before it, so one add — the last — completes the chord.
    private readonly Dictionary<string, ChordState> _chords = new(StringComparer.Ordinal);
    private readonly object _writeLock = new();

    /// <summary>The store for a name (the host part of <c>memory://name</c>).</summary>
    public static InMemoryResultStore Named(string name) => Stores.GetOrAdd(name, _ => new InMemoryResultStore());

    /// <summary>A backend on this store whose results expire after <paramref name="expires"/> (null: never).</summary>
    public InMemoryResultBackend CreateBackend(TimeProvider clock, TimeSpan? expires = null) => new(this, clock, expires);

    /// <summary>Number of stored results (expired ones included until read).</summary>
    public int Count => _results.Count;

    internal void Store(ResultMeta meta, DateTimeOffset? expiresAt)
    {
        lock (_writeLock)
        {
            // Never replace a SUCCESS (docs/protocol.md §4.2): a redelivered duplicate must not undo a good result.
            if (_results.TryGetValue(meta.TaskId, out var existing) && existing.Meta.Status == TaskStates.Success) return;
            meta = Snapshot(meta);
            _results[meta.TaskId] = (meta, expiresAt);
        }
        if (meta.IsReady && _waiters.TryRemove(meta.TaskId, out var waiter)) waiter.TrySetResult(meta);
    }

    /// <summary>
    /// A copy with its own JSON: writer, store and each reader must not share mutable nodes, as they
    /// would not across a real backend.
    /// </summary>
    private static ResultMeta Snapshot(ResultMeta meta) => new()
    {
        TaskId = meta.TaskId,
        Status = meta.Status,
        Result = meta.Result?.DeepClone(),
        Traceback = meta.Traceback,
        Children = (JsonArray?)meta.Children?.DeepClone(),
        DateDone = meta.DateDone,
        GroupId = meta.GroupId,
        ParentId = meta.ParentId,
        Extended = meta.Extended is { } x
            ? x with { Args = (JsonArray?)x.Args?.DeepClone(), Kwargs = (JsonObject?)x.Kwargs?.DeepClone() }
            : null,
    };

    internal ResultMeta? Get(string taskId, DateTimeOffset now)
    {
        if (!_results.TryGetValue(taskId, out var entry)) return null;
        if (entry.ExpiresAt is { } at && at <= now)
        {
            _results.TryRemove(taskId, out _);
            return null;
        }
        return Snapshot(entry.Meta);
    }

    internal async ValueTask<ResultMeta> WaitAsync(string taskId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Get(taskId, now) is { IsReady: true } ready) return ready;
        var waiter = _waiters.GetOrAdd(taskId, _ => new TaskCompletionSource<ResultMeta>(TaskCreationOptions.RunContinuationsAsynchronously));
        // Re-check after registering: a store between the first check and the registration
        // would otherwise be missed.
        if (Get(taskId, now) is { IsReady: true } raced) return raced;
        return Snapshot(await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false));
    }

    internal void Forget(string taskId) => _results.TryRemove(taskId, out _);

    internal void SaveGroup(string groupId, JsonArray tuple) => _groups[groupId] = (JsonArray)tuple.DeepClone();

    internal JsonArray? RestoreGroup(string groupId) => _groups.TryGetValue(groupId, out var t) ? (JsonArray)t.DeepClone() : null;

    internal void SetChordSize(string groupId, int size, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        lock (_writeLock)
        {
            var chord = LiveChord(groupId, now, create: true)!;
            chord.Size = size;
            chord.ExpiresAt = expiresAt;
        }
    }

    internal void AddChordExtra(string groupId, int count, DateTimeOffset now)
    {
        lock (_writeLock) LiveChord(groupId, now, create: true)!.Extra += count;
    }

    internal ChordProgress AddChordPart(string groupId, int? groupIndex, ResultMeta part, ChordClaim claim, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        // The member Redis would hold, [1, id, state, result] as Python writes it: it orders parts
        // of equal score, as ZRANGE does.
        var member = PythonJson.Dumps(new JsonArray(1, part.TaskId, part.Status, part.Result?.DeepClone()));
        var score = groupIndex is { } index ? index : double.PositiveInfinity;
        lock (_writeLock)
        {
            var chord = LiveChord(groupId, now, create: true)!;
            // One part per task id: a redelivered header task that finishes again (same result or
            // not) is a duplicate and adds nothing. Stricter than Redis, which only looks at the
            // part's own score — a task id never comes with two different group indexes.
            var added = !chord.Parts.ContainsKey(part.TaskId);
            if (added) chord.Parts[part.TaskId] = (score, member, new ChordPart(part.TaskId, part.Status, part.Result?.DeepClone()));
            // Every part refreshes the expiry of the whole join, as the EXPIREs after ZADD do.
            chord.ExpiresAt = expiresAt;
            var tookOver = false;
            if (chord.Size is { } size && chord.Parts.Count == size + chord.Extra)
            {
                // The completing add claims the body's send; a duplicate takes over a claim past its lease.
                if (added) chord.ClaimedAt = claim.Now;
                else if (!chord.Closed && chord.ClaimedAt is { } at && claim.Now - at >= claim.Lease)
                {
                    chord.ClaimedAt = claim.Now;
                    tookOver = true;
                }
            }
            return new ChordProgress(chord.Parts.Count, chord.Size, chord.Extra, added, tookOver);
        }
    }

    internal IReadOnlyList<ChordPart> GetChordParts(string groupId, DateTimeOffset now)
    {
        lock (_writeLock)
        {
            if (LiveChord(groupId, now, create: false) is not { } chord) return [];
            // ZRANGE order: by score (group index, +inf last), then by member.
            return chord.Parts
                .OrderBy(p => p.Value.Score).ThenBy(p => p.Value.Member, StringComparer.Ordinal)
                .Select(p => p.Value.Part with { Result = p.Value.Part.Result?.DeepClone() })
                .ToList();
        }
    }

    internal void CloseChord(string groupId, DateTimeOffset now)
    {
        lock (_writeLock)
            if (LiveChord(groupId, now, create: false) is { } chord) chord.Closed = true;
    }

    internal void DeleteChord(string groupId)
    {
        lock (_writeLock) _chords.Remove(groupId);
    }

    private ChordState? LiveChord(string groupId, DateTimeOffset now, bool create)
    {
        if (_chords.TryGetValue(groupId, out var chord) && chord.ExpiresAt is { } at && at <= now)
        {
            _chords.Remove(groupId);
            chord = null;
        }
        if (chord is null && create) _chords[groupId] = chord = new ChordState();
        return chord;
    }

    /// <summary>One chord's join: the .s, .t and .j keys of docs/protocol.md §4.8, and our .f claim, in one place.</summary>
    private sealed class ChordState
    {
        public long? Size { get; set; }
        public long Extra { get; set; }
        /// <summary>Task id → score, member JSON and part: a sorted set, ordered when read.</summary>
        public Dictionary<string, (double Score, string Member, ChordPart Part)> Parts { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset? ExpiresAt { get; set; }
        /// <summary>When the completing add claimed the body's send (the .f key).</summary>
        public DateTimeOffset? ClaimedAt { get; set; }
        /// <summary>The body was dealt with but the join left to expire (a ChordError).</summary>
        public bool Closed { get; set; }
    }
}
