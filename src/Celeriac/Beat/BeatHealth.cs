namespace Celeriac.Beat;

/// <summary>A snapshot of the beat loop for the health check: running, leader, last good cycle, last cycle's error.</summary>
internal readonly record struct BeatHealth(bool Running, bool Stopped, bool IsLeader, DateTimeOffset? LastCycle, string? LastError);
