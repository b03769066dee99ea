namespace Celeriac.Beat.Schedules;

/// <summary>
/// Wall-clock times of a zone mapped to instants, with the two DST cases made explicit: a wall
/// time in a spring-forward gap has no instant, one in a fall-back fold has two. Works from the
/// zone's offset at instants (<see cref="TimeZoneInfo.GetUtcOffset(DateTimeOffset)"/>), which is
/// unambiguous, rather than from <see cref="TimeZoneInfo.IsAmbiguousTime(DateTime)"/>, whose
/// answer at a transition's exact edges differs between runtimes.
/// </summary>
internal static class ZoneWallClock
{
    /// <summary>How a wall time maps to instants.</summary>
    internal readonly record struct Mapping(int Count, TimeSpan Early, TimeSpan Late)
    {
        /// <summary>No instant: the wall time is in a spring-forward gap.</summary>
        public bool IsGap => Count == 0;

        /// <summary>Two instants: the wall time repeats in a fall-back fold (<see cref="Early"/> the first offset, <see cref="Late"/> the second).</summary>
        public bool IsFold => Count == 2;
    }

    public static bool IsUtc(TimeZoneInfo zone) =>
        ReferenceEquals(zone, TimeZoneInfo.Utc) || zone.Id is "UTC" or "Etc/UTC" or "Etc/UCT" or "Etc/Universal" or "Etc/Zulu";

    /// <summary>The offsets at which <paramref name="wall"/> exists: none (gap), one, or two (fold; the earlier instant has the larger offset).</summary>
    public static Mapping Map(TimeZoneInfo zone, DateTime wall)
    {
        if (IsUtc(zone)) return new Mapping(1, TimeSpan.Zero, TimeSpan.Zero);
        // Around a transition the offsets in play are those a day before and a day after.
        var before = OffsetAt(zone, wall.Ticks - TimeSpan.TicksPerDay);
        var after = OffsetAt(zone, wall.Ticks + TimeSpan.TicksPerDay);
        var beforeFits = OffsetAt(zone, wall.Ticks - before.Ticks) == before;
        var afterFits = after != before && OffsetAt(zone, wall.Ticks - after.Ticks) == after;
        if (beforeFits && afterFits)
            return before > after ? new Mapping(2, before, after) : new Mapping(2, after, before);
        if (beforeFits) return new Mapping(1, before, before);
        if (afterFits) return new Mapping(1, after, after);
        // Neither neighbour fits (two changes within a day, historic): ask the zone itself.
        var own = zone.GetUtcOffset(wall);
        return OffsetAt(zone, wall.Ticks - own.Ticks) == own ? new Mapping(1, own, own) : new Mapping(0, before, after);
    }

    /// <summary>The instant of <paramref name="wall"/>: its first in a fold, the gap's end in a gap.</summary>
    public static DateTimeOffset ToInstant(TimeZoneInfo zone, DateTime wall)
    {
        var mapping = Map(zone, wall);
        return mapping.IsGap ? GapEnd(zone, wall) : new DateTimeOffset(wall, mapping.Early);
    }

    /// <summary>For a wall time in a spring-forward gap: the first instant after the gap (the transition), at the new offset.</summary>
    public static DateTimeOffset GapEnd(TimeZoneInfo zone, DateTime wall)
    {
        var before = OffsetAt(zone, wall.Ticks - TimeSpan.TicksPerDay);
        var after = OffsetAt(zone, wall.Ticks + TimeSpan.TicksPerDay);
        // The wall time read in the old offset is past the change, read in the new one before it.
        var transition = FirstChange(zone, wall.Ticks - after.Ticks, wall.Ticks - before.Ticks);
        return new DateTimeOffset(transition, TimeSpan.Zero).ToOffset(OffsetAt(zone, transition));
    }

    /// <summary>For a wall time in a fall-back fold: the fold's wall-clock bounds [start, end).</summary>
    public static (DateTime Start, DateTime End) FoldBounds(TimeZoneInfo zone, DateTime wall, Mapping mapping)
    {
        var transition = FirstChange(zone, wall.Ticks - mapping.Early.Ticks, wall.Ticks - mapping.Late.Ticks);
        return (new DateTime(transition + mapping.Late.Ticks), new DateTime(transition + mapping.Early.Ticks));
    }

    // The first instant (UTC ticks) in (lo, hi] whose offset differs from lo's; offsets change once in between.
    private static long FirstChange(TimeZoneInfo zone, long lo, long hi)
    {
        var initial = OffsetAt(zone, lo);
        while (hi - lo > 1)
        {
            var mid = lo + (hi - lo) / 2;
            if (OffsetAt(zone, mid) == initial) lo = mid;
            else hi = mid;
        }
        return hi;
    }

    private static TimeSpan OffsetAt(TimeZoneInfo zone, long utcTicks)
    {
        utcTicks = Math.Clamp(utcTicks, DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay);
        return zone.GetUtcOffset(new DateTimeOffset(utcTicks, TimeSpan.Zero));
    }
}
