namespace Celeriac.Beat.Store;

/// <summary>
/// An entry's recorded state: the last scheduled instant published (or the anchor an entry counts
/// from before its first run), how many runs were published, and the last task id.
/// </summary>
internal sealed record BeatEntryState(DateTimeOffset LastSlot, long TotalRunCount, string? LastTaskId = null);
