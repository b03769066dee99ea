using Celeriac.Testing;
using Celeriac.Worker;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Tests;

/// <summary>The worker's alarm: any instant however far, in bounded timer waits; a callback that throws is logged, never rethrown on the timer thread.</summary>
public sealed class ClockAlarmTests
{
    [Fact]
    public void An_alarm_two_years_ahead_waits_in_steps_of_at_most_a_day_and_rings_once_at_its_instant()
    {
        var clock = new VirtualClock();
        var start = clock.GetUtcNow();
        var rang = new List<DateTimeOffset>();
        using var alarm = new ClockAlarm(clock, () => rang.Add(clock.GetUtcNow()), NullLogger.Instance);

        alarm.Set(start.AddDays(730).AddSeconds(5));
        clock.NextDue.Should().Be(start + ClockAlarm.Step, "one timer wait is bounded");
        clock.Advance(TimeSpan.FromDays(730));
        rang.Should().BeEmpty();
        clock.Advance(TimeSpan.FromSeconds(5));

        rang.Should().Equal(start.AddDays(730).AddSeconds(5));
        clock.Advance(TimeSpan.FromDays(10));
        rang.Should().HaveCount(1);
    }

    [Fact]
    public void A_ring_that_throws_is_caught_and_the_alarm_can_be_set_again()
    {
        var clock = new VirtualClock();
        var rings = 0;
        using var alarm = new ClockAlarm(clock, () => { rings++; throw new InvalidOperationException("callback bug"); }, NullLogger.Instance);

        alarm.SetAfter(TimeSpan.FromSeconds(1));
        var advance = () => clock.Advance(TimeSpan.FromSeconds(1));
        advance.Should().NotThrow("a timer callback that throws would end the process");
        alarm.SetAfter(TimeSpan.FromSeconds(1));
        advance.Should().NotThrow();

        rings.Should().Be(2);
    }

    [Fact]
    public void A_delay_past_the_calendars_end_never_rings_and_does_not_overflow()
    {
        var clock = new VirtualClock();
        var rang = false;
        using var alarm = new ClockAlarm(clock, () => rang = true, NullLogger.Instance);

        alarm.SetAfter(TimeSpan.MaxValue);
        clock.Advance(TimeSpan.FromDays(3650));

        rang.Should().BeFalse();
        alarm.At.Should().Be(DateTimeOffset.MaxValue);
    }
}
