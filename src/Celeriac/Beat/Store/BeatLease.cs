namespace Celeriac.Beat.Store;

/// <summary>A held publisher lease: who holds it, its fencing term (higher for every new holding) and until when the holder believes it holds it.</summary>
internal sealed record BeatLease(string Holder, long Term, DateTimeOffset ExpiresAt);
