using Celeriac.Beat;

namespace Celeriac.Redis.Tests.Beat.Support;

/// <summary>
/// Every whole second (12:00:01, 12:00:02, …) — a schedule of the tests' own, so the replica tests
/// depend only on the loop and the store, and their slots are easy to read.
/// </summary>
internal sealed class WholeSecondsSchedule : BeatSchedule
{
    public override DateTimeOffset? GetNextRun(DateTimeOffset previous, TimeZoneInfo zone) =>
        DateTimeOffset.FromUnixTimeSeconds(previous.ToUnixTimeSeconds() + 1);
}
