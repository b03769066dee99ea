namespace Celeriac.Protocol.Messages;

/// <summary>
/// Per-message time limits in seconds; on the wire the header <c>timelimit</c> is <c>[hard, soft]</c>
/// — hard first (docs/protocol.md §1.3, pitfall 1).
/// </summary>
/// <param name="Hard">Hard limit in seconds, or null.</param>
/// <param name="Soft">Soft limit in seconds, or null.</param>
internal readonly record struct TimeLimits(double? Hard, double? Soft)
{
    /// <summary>No limits: <c>[null, null]</c>.</summary>
    public static TimeLimits None => default;
}
