namespace Celeriac.Redis.Layout;

/// <summary>The keys of one beat schedule on Redis (<see cref="RedisLayout.BeatKey"/>).</summary>
internal enum BeatKeyPart
{
    /// <summary>The publisher's lease: <c>holder|term</c>, expiring by the server's clock.</summary>
    Lease,

    /// <summary>The fencing term counter, incremented for every new holding.</summary>
    Term,

    /// <summary>Hash: entry → last recorded slot, Unix microseconds (compared inside scripts).</summary>
    Slots,

    /// <summary>Hash: entry → recorded state JSON.</summary>
    State,

    /// <summary>Hash: entry → run-time edit (definition JSON, empty for a removed entry).</summary>
    Edits,

    /// <summary>The edits' version counter.</summary>
    EditsVersion,
}
