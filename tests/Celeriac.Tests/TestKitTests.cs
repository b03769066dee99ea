using Celeriac.Protocol.Results;
using Celeriac.Testing;

namespace Celeriac.Tests;

/// <summary>The public test kit: the harness and the virtual clock do what their docs promise.</summary>
public sealed class TestKitTests
{
    [Fact]
    public async Task The_harness_runs_tasks_on_a_private_broker_and_reports_completions_and_rejections()
    {
        await using var harness = CeleriacTestHarness.Create();
        var add = harness.App.Task("kit.add", (int x, int y) => x + y);
        await harness.StartWorkerAsync(w => w.Concurrency = 2);

        var ok = await add.DelayAsync(2, 3);
        var unknown = await harness.App.SendTaskAsync("kit.missing");

        (await harness.WaitForTaskAsync(ok.Id)).Result!.GetValue<int>().Should().Be(5);
        (await harness.WaitForTaskAsync(unknown.Id)).Status.Should().Be(TaskStates.Failure);
        await harness.WaitUntilIdleAsync();

        harness.Completions.Should().ContainSingle(c => c.TaskId == ok.Id && c.State == TaskStates.Success);
        harness.Rejections.Should().ContainSingle(r => r.TaskId == unknown.Id && r.Reason.Contains("kit.missing"));
        harness.Broker.DeadLetters.Should().HaveCount(1);
    }

    [Fact]
    public async Task WaitForTaskAsync_times_out_with_the_task_id_when_nothing_runs_it()
    {
        await using var harness = CeleriacTestHarness.Create();
        harness.App.Task("kit.never", () => 1);
        await harness.StartWorkerAsync(w => w.Queues = ["elsewhere"]);
        var r = await harness.App.SendTaskAsync("kit.never");

        var wait = () => harness.WaitForTaskAsync(r.Id, TimeSpan.FromMilliseconds(100));

        (await wait.Should().ThrowAsync<TimeoutException>()).Which.Message.Should().Contain(r.Id);
    }

    [Fact]
    public async Task The_virtual_clock_fires_timers_in_due_order_only_when_advanced()
    {
        var clock = new VirtualClock(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var fired = new List<string>();
        using var late = clock.CreateTimer(_ => fired.Add("late"), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add("early"), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(4));
        fired.Should().BeEmpty();
        clock.PendingTimers.Should().Be(2);

        clock.Advance(TimeSpan.FromSeconds(6));
        fired.Should().Equal("early", "late");
        clock.GetUtcNow().Should().Be(new DateTimeOffset(2030, 1, 1, 0, 0, 10, TimeSpan.Zero));
        clock.PendingTimers.Should().Be(0);
    }

    [Fact]
    public async Task Task_Delay_on_the_virtual_clock_completes_when_the_clock_passes_it()
    {
        var clock = new VirtualClock();
        var delay = Task.Delay(TimeSpan.FromMinutes(5), clock);

        await clock.WaitForTimersAsync(1);
        clock.Advance(TimeSpan.FromMinutes(4));
        delay.IsCompleted.Should().BeFalse();
        clock.Advance(TimeSpan.FromMinutes(1));

        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Periodic_timers_fire_once_per_period_passed_and_disposed_timers_never()
    {
        var clock = new VirtualClock();
        var ticks = 0;
        var periodic = clock.CreateTimer(_ => ticks++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        clock.Advance(TimeSpan.FromSeconds(3.5));
        ticks.Should().Be(3);

        periodic.Dispose();
        clock.Advance(TimeSpan.FromSeconds(10));
        ticks.Should().Be(3);
    }

    [Fact]
    public void A_virtual_timer_refuses_a_wait_the_system_timer_refuses_so_tests_meet_the_real_limit()
    {
        var clock = new VirtualClock();
        var max = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

        var system = () => TimeProvider.System.CreateTimer(_ => { }, null, TimeSpan.FromDays(60), Timeout.InfiniteTimeSpan);
        system.Should().Throw<ArgumentOutOfRangeException>("the system clock's limit, which the virtual one mirrors");
        var tooFar = () => clock.CreateTimer(_ => { }, null, TimeSpan.FromDays(60), Timeout.InfiniteTimeSpan);
        tooFar.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*49.7 days*");
        using var timer = clock.CreateTimer(_ => { }, null, max, Timeout.InfiniteTimeSpan);
        var change = () => timer.Change(max + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
        change.Should().Throw<ArgumentOutOfRangeException>();
        var period = () => clock.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.FromDays(50));
        period.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_virtual_clock_advances_two_years_at_once_firing_a_daily_timer_every_day_on_the_way()
    {
        var clock = new VirtualClock();
        var start = clock.GetUtcNow();
        var fired = new List<DateTimeOffset>();
        using var daily = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, TimeSpan.FromDays(1), TimeSpan.FromDays(1));

        clock.Advance(TimeSpan.FromDays(730));

        fired.Should().HaveCount(730);
        fired[^1].Should().Be(start.AddDays(730));
        clock.GetUtcNow().Should().Be(start.AddDays(730));
    }
}
