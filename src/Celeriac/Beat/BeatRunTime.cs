namespace Celeriac.Beat;

/// <summary>One scheduled instant of an entry, in UTC and in the entry's zone.</summary>
/// <param name="Utc">The instant in UTC.</param>
/// <param name="Local">The same instant in the entry's zone (with that zone's offset then).</param>
public readonly record struct BeatRunTime(DateTimeOffset Utc, DateTimeOffset Local);
