namespace Celeriac.Revocation;

/// <summary>How long revokes are held and how many at most; <paramref name="Now"/> is the caller's clock (Unix seconds).</summary>
internal readonly record struct RevokeRetention(TimeSpan Horizon, int Max, double Now);
