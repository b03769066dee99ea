namespace Celeriac.Beat;

/// <summary>
/// An entry as a beat runs it: the definition in force (code or configuration, overlaid by a
/// run-time edit), the moment of that edit, the zone it is read in, or why it cannot run.
/// </summary>
internal sealed class BeatEntryInForce
{
    public required string Name { get; init; }
    public BeatEntry? Entry { get; init; }
    public TimeZoneInfo? Zone { get; init; }

    /// <summary>When the edit in force was made (the entry re-anchors there); null for a code entry.</summary>
    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>What identifies this definition: the edit's stored JSON, or the code entry itself.</summary>
    public required object Source { get; init; }

    /// <summary>Why the entry cannot run (a bad edit, an unknown zone); logged once by name, the others run.</summary>
    public string? Error { get; init; }

    /// <summary>Runs: valid and not paused.</summary>
    public bool Runs => Error is null && Entry is { Paused: false } && Zone is not null;

    // The loop's cache: the next due slot computed from LastSlotSeen (so an entry not due costs a comparison).
    public DateTimeOffset? NextDue { get; set; }
    public DateTimeOffset? LastSlotSeen { get; set; }
    public bool Ended { get; set; }

    /// <summary>The run of <see cref="NextDue"/> built ahead of it, if any (goes with this definition: an edit drops it).</summary>
    public PrebuiltRun? Prebuilt { get; set; }

    /// <summary>
    /// The entries in force: <paramref name="defined"/> overlaid by <paramref name="edits"/> (a null
    /// edit removes). <paramref name="previous"/> keeps the cache of entries whose definition did not change.
    /// </summary>
    public static Dictionary<string, BeatEntryInForce> Resolve(IEnumerable<BeatEntry> defined, IReadOnlyDictionary<string, string?> edits,
        CeleriacOptions options, IReadOnlyDictionary<string, BeatEntryInForce>? previous = null)
    {
        var result = new Dictionary<string, BeatEntryInForce>(StringComparer.Ordinal);
        foreach (var entry in defined)
        {
            if (edits.ContainsKey(entry.Name)) continue;
            result[entry.Name] = Reuse(previous, entry.Name, entry) ?? FromCode(entry, options);
        }
        foreach (var (name, json) in edits)
        {
            if (json is null) continue;
            result[name] = Reuse(previous, name, json) ?? FromEdit(name, json, options);
        }
        return result;
    }

    private static BeatEntryInForce? Reuse(IReadOnlyDictionary<string, BeatEntryInForce>? previous, string name, object source) =>
        previous is not null && previous.TryGetValue(name, out var known) && Equals(known.Source, source) ? known : null;

    private static BeatEntryInForce FromCode(BeatEntry entry, CeleriacOptions options)
    {
        try
        {
            return new BeatEntryInForce { Name = entry.Name, Entry = entry, Source = entry, Zone = BeatZones.For(entry, options) };
        }
        catch (TimeZoneNotFoundException ex)
        {
            return new BeatEntryInForce { Name = entry.Name, Entry = entry, Source = entry, Error = ex.Message };
        }
    }

    private static BeatEntryInForce FromEdit(string name, string json, CeleriacOptions options)
    {
        try
        {
            var (entry, at) = BeatEdit.Read(name, json);
            return new BeatEntryInForce { Name = name, Entry = entry, Source = json, EditedAt = at, Zone = BeatZones.For(entry, options) };
        }
        catch (Exception ex)
        {
            return new BeatEntryInForce { Name = name, Source = json, Error = ex.Message };
        }
    }
}
