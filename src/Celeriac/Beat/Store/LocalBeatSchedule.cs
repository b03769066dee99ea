using System.Runtime.CompilerServices;
using Celeriac.Memory;
using Celeriac.Transport;

namespace Celeriac.Beat.Store;

/// <summary>
/// One schedule's lease, state and edits inside this process, shared by every
/// <see cref="LocalBeatStore"/> opened on the same broker under the same schedule name — so two beats
/// in one process (two apps on one <c>memory://</c> broker, or one app twice) elect one publisher and
/// see one state. Keyed weakly by the broker: an in-memory transport by its <see cref="InMemoryBroker"/>
/// (several apps on <c>memory://x</c> share it), any other by the transport instance.
/// </summary>
internal sealed class LocalBeatSchedule
{
    private static readonly ConditionalWeakTable<object, Dictionary<string, LocalBeatSchedule>> Schedules = new();

    /// <summary>Serialises the lease check, the publish and the state write of every store on this schedule.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public string Name { get; }

    // All below under Gate.
    public string? Holder { get; set; }
    public long Term { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public Dictionary<string, BeatEntryState> States { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string?> Edits { get; } = new(StringComparer.Ordinal);
    public long EditsVersion { get; set; }
    public HashSet<string> LoadedFiles { get; } = new(StringComparer.Ordinal);

    private LocalBeatSchedule(string name) => Name = name;

    public static LocalBeatSchedule For(ITransport transport, string scheduleName)
    {
        object key = transport is InMemoryTransport memory ? memory.Broker : transport;
        var byName = Schedules.GetValue(key, static _ => new Dictionary<string, LocalBeatSchedule>(StringComparer.Ordinal));
        lock (byName)
        {
            if (!byName.TryGetValue(scheduleName, out var schedule)) byName[scheduleName] = schedule = new LocalBeatSchedule(scheduleName);
            return schedule;
        }
    }

    /// <summary>True while <paramref name="lease"/> is the current holding and has not expired at <paramref name="now"/>. Under Gate.</summary>
    public bool Holds(BeatLease lease, DateTimeOffset now) =>
        Holder == lease.Holder && Term == lease.Term && now < ExpiresAt;

    /// <summary>Merges a file's contents: the later slot of each entry, the newer edits. Under Gate.</summary>
    public void Merge(LocalBeatStateFile.Contents contents)
    {
        foreach (var (name, state) in contents.States)
            if (!States.TryGetValue(name, out var known) || state.LastSlot > known.LastSlot) States[name] = state;
        if (contents.EditsVersion > EditsVersion)
        {
            Edits.Clear();
            foreach (var (name, json) in contents.Edits) Edits[name] = json;
            EditsVersion = contents.EditsVersion;
        }
    }
}
