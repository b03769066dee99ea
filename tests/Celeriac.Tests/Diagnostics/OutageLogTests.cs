using Celeriac.Diagnostics;

namespace Celeriac.Tests.Diagnostics;

public sealed class OutageLogTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_outage_is_logged_in_full_once_then_once_per_interval_then_its_end_with_the_count()
    {
        var log = new OutageLog(TimeSpan.FromSeconds(30));
        var actions = Enumerable.Range(0, 100).Select(i => log.Failed(T0.AddSeconds(i))).ToList();

        actions[0].Should().Be(OutageLogAction.First);
        actions.Select((a, i) => (a, i)).Where(x => x.a == OutageLogAction.Repeat).Select(x => x.i).Should().Equal(30, 60, 90);
        actions.Count(a => a == OutageLogAction.Quiet).Should().Be(96);
        log.Since.Should().Be(T0);
        log.Failures.Should().Be(100);

        log.Recovered().Should().Be(100);
        log.Recovered().Should().Be(0, "a success with no outage before it reports nothing");
    }

    [Fact]
    public void The_next_outage_starts_afresh()
    {
        var log = new OutageLog(TimeSpan.FromSeconds(30));
        log.Failed(T0);
        log.Recovered();

        log.Failed(T0.AddSeconds(5)).Should().Be(OutageLogAction.First);
        log.Since.Should().Be(T0.AddSeconds(5));
        log.Failures.Should().Be(1);
    }
}
