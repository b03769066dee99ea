namespace Celeriac.Beat;

/// <summary>
/// Plans an entry's due runs (the decided semantics): at <c>now</c> the due slots are those ≤ now
/// after the last slot. Slots no older than the grace are on time and all published, in order,
/// whatever the policy; older ones are missed: Skip → none, Once → the newest missed one and only
/// when no on-time slot is due, All(n) → the newest n, Within(d) → those no older than d.
/// A pure function of its inputs, so every beat that takes over plans the same runs.
/// </summary>
internal static class BeatPlanner
{
    /// <summary>
    /// Slots walked per plan before skipping ahead: an entry due every second after a year down has
    /// 31 million slots, of which at most the newest few matter.
    /// </summary>
    internal const int MaxWalk = 100_000;

    /// <summary>
    /// How far before its instant a new one-off entry is anchored: the stores keep slots to the
    /// microsecond, so a tick would round onto the instant itself and the run would never be due.
    /// </summary>
    internal static readonly TimeSpan OneOffLead = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// The anchor of an entry new to the store (no recorded state), first seen at <paramref name="seen"/>.
    /// Counting from that moment is right for a repeating schedule (its first run is the next one), but
    /// a one-off whose instant has already passed would never run at all — a user who adds one for an
    /// instant that passed while beat was down expects what a missed run gets. So it counts from just
    /// before its instant: the run is due now, and on time or missed as the grace and its policy say
    /// (Once, the default, runs it; Skip does not; Within(d) only when the instant is within d). Once it
    /// ran or was skipped, its recorded slot is the instant and it never runs again.
    /// </summary>
    public static DateTimeOffset NewAnchor(BeatSchedule schedule, DateTimeOffset seen) =>
        schedule is Schedules.OneOffSchedule oneOff && oneOff.Instant <= seen ? oneOff.Instant.ToUniversalTime() - OneOffLead : seen;

    public static BeatPlan Plan(BeatSchedule schedule, TimeZoneInfo zone, DateTimeOffset lastSlot, DateTimeOffset now, TimeSpan grace, MissedRunPolicy policy)
    {
        var onTimeFrom = now - grace;
        // Missed slots the policy may keep, newest last (a bounded window: All(n) keeps n, Once 1).
        var keepMissed = policy.Kind switch { MissedRunKind.Once => 1, MissedRunKind.All => policy.Limit, _ => 0 };
        var deadlineFrom = policy.Kind == MissedRunKind.Deadline ? now - policy.Deadline : DateTimeOffset.MaxValue;
        // Allocated only when needed: most plans are one on-time slot.
        Queue<DateTimeOffset>? missed = null;
        var onTime = new List<DateTimeOffset>(1);
        long skipped = 0;
        DateTimeOffset? oldestSkipped = null, newestSkipped = null, newest = null;

        void Skip(DateTimeOffset slot)
        {
            skipped++;
            oldestSkipped ??= slot;
            newestSkipped = slot;
        }

        var cursor = lastSlot;
        var walked = 0;
        var next = schedule.GetNextRun(cursor, zone);
        while (next is { } slot && slot <= now)
        {
            newest = slot;
            if (slot >= onTimeFrom) onTime.Add(slot);
            else if (slot >= deadlineFrom) onTime.Add(slot); // within the deadline: kept like an on-time slot
            else if (keepMissed > 0)
            {
                (missed ??= new Queue<DateTimeOffset>()).Enqueue(slot);
                if (missed.Count > keepMissed) Skip(missed.Dequeue());
            }
            else Skip(slot);

            if (++walked == MaxWalk && slot < onTimeFrom - grace)
            {
                // Far behind: jump to a little before what can still matter, by the last step's length.
                var step = slot - cursor;
                var jumpTo = Min(onTimeFrom, deadlineFrom) - (step > TimeSpan.Zero ? step * (keepMissed + 2) : TimeSpan.Zero);
                if (jumpTo > slot)
                {
                    skipped += EstimateSkipped(slot, jumpTo, step);
                    newestSkipped = jumpTo;
                    missed?.Clear();
                    cursor = jumpTo;
                    walked = 0;
                    next = schedule.GetNextRun(cursor, zone);
                    continue;
                }
            }
            cursor = slot;
            next = schedule.GetNextRun(cursor, zone);
        }

        // Once keeps its newest missed slot only when no on-time slot is due (Celery fires once).
        if (missed is null) return new BeatPlan(onTime, skipped, oldestSkipped, newestSkipped, newest, next);
        if (policy.Kind == MissedRunKind.Once && onTime.Count > 0)
            while (missed.Count > 0) Skip(missed.Dequeue());
        var publish = new List<DateTimeOffset>(missed.Count + onTime.Count);
        publish.AddRange(missed);
        publish.AddRange(onTime);
        return new BeatPlan(publish, skipped, oldestSkipped, newestSkipped, newest, next);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static long EstimateSkipped(DateTimeOffset from, DateTimeOffset to, TimeSpan step) =>
        step > TimeSpan.Zero ? (long)((to - from) / step) : 0;
}
