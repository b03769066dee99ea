namespace Celeriac.Beat.Schedules;

/// <summary>
/// Turns a wall-clock matcher ("the first matching minute after this local time") into the next
/// instant, with the DST rules the beat promises (the same as Cronos, so crontab and cron entries
/// agree): a match in a spring-forward gap fires at the gap's end; in a fall-back fold every match
/// fires in the first pass, and again in the second pass only for a series schedule (minute or
/// hour written with <c>*</c>, a range or a step) — so <c>30 2 * * *</c> fires once and
/// <c>*/30 * * * *</c> every half hour of both passes.
/// </summary>
internal static class WallClockRecurrence
{
    /// <summary>
    /// The first run strictly after <paramref name="previous"/>, in UTC. <paramref name="next"/> gives
    /// the first matching wall minute after a wall time (or at it when its flag says inclusive);
    /// <paramref name="repeatsInFold"/> says whether a series schedule fires in both passes of a fold.
    /// </summary>
    public static DateTimeOffset? Next(DateTimeOffset previous, TimeZoneInfo zone, bool repeatsInFold, Func<DateTime, bool, DateTime?> next)
    {
        if (ZoneWallClock.IsUtc(zone))
            return next(previous.UtcDateTime.ToUnspecified(), false) is { } utc ? new DateTimeOffset(utc, TimeSpan.Zero) : null;

        var local = TimeZoneInfo.ConvertTime(previous, zone);
        var wall = local.DateTime;
        var from = wall;
        var inclusive = false;
        var mapping = ZoneWallClock.Map(zone, wall);
        if (mapping.IsFold)
        {
            // previous lies in a repeated hour: finish the pass it is in, then (series only) the second pass.
            var (start, end) = ZoneWallClock.FoldBounds(zone, wall, mapping);
            var inFirstPass = local.Offset == mapping.Early;
            if (inFirstPass && next(wall, false) is { } early && early < end)
                return new DateTimeOffset(early, mapping.Early).ToUniversalTime();
            if (repeatsInFold && next(inFirstPass ? start : wall, inFirstPass) is { } late && late < end)
                return new DateTimeOffset(late, mapping.Late).ToUniversalTime();
            from = end;
            inclusive = true;
        }

        if (next(from, inclusive) is not { } match) return null;
        // A match in a fold is first reached in its first pass; one in a gap fires at the gap's end.
        return ZoneWallClock.ToInstant(zone, match).ToUniversalTime();
    }

    private static DateTime ToUnspecified(this DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
}
