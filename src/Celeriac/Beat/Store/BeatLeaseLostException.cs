namespace Celeriac.Beat.Store;

/// <summary>The publisher's lease is no longer held: another beat may publish, so this one must not.</summary>
internal sealed class BeatLeaseLostException(string message) : Exception(message);
