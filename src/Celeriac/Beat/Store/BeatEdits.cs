namespace Celeriac.Beat.Store;

/// <summary>The run-time edits at one version: entry name → definition JSON, null for a removed entry.</summary>
internal sealed record BeatEdits(long Version, IReadOnlyDictionary<string, string?> Entries);
