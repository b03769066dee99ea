using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Results;
using Celeriac.Tasks;

namespace Celeriac.Tests;

/// <summary>
/// Exponential backoff of autoretries, with Celery's formula (docs/protocol.md §5.6):
/// <c>min(max, int(max(1, base)) * 2^retries)</c>, then with jitter a random integer in <c>[0, that]</c>.
/// </summary>
public sealed class AutoRetryBackoffTests : IAsyncLifetime
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(600);
    private readonly RetryTestBed _bed = RetryTestBed.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Theory]
    [InlineData(1.0, 600, new[] { 1, 2, 4, 8, 16 })]
    [InlineData(5.0, 600, new[] { 5, 10, 20, 40 })]
    [InlineData(5.0, 12, new[] { 5, 10, 12, 12 })]
    [InlineData(0.5, 600, new[] { 1, 2, 4 })] // factor = int(max(1.0, 0.5)) = 1
    [InlineData(2.9, 600, new[] { 2, 4, 8 })] // int() truncates the base
    public void Without_jitter_the_countdown_doubles_from_the_base_up_to_the_maximum(double baseSeconds, int maxSeconds, int[] expected)
    {
        var backoff = new Backoff(baseSeconds);
        var countdowns = expected.Select((_, retries) => (int)backoff.Countdown(retries, TimeSpan.FromSeconds(maxSeconds), jitter: false).TotalSeconds);
        countdowns.Should().Equal(expected);
    }

    [Fact]
    public void True_is_a_base_of_one_second_and_false_is_off()
    {
        Backoff on = true, off = false, five = 5;
        on.Should().Be(new Backoff(1));
        on.IsOn.Should().BeTrue();
        off.IsOn.Should().BeFalse();
        five.BaseSeconds.Should().Be(5);
        new TaskOptions().RetryBackoff.IsOn.Should().BeFalse("backoff is off unless asked for");
    }

    [Theory]
    [InlineData(1.0, 2, 4)]
    [InlineData(5.0, 1, 10)]
    [InlineData(5.0, 8, 600)] // 5 * 256 capped at the maximum
    public void With_jitter_the_countdown_is_a_whole_number_of_seconds_anywhere_in_zero_to_the_computed_value(double baseSeconds, int retries, int computed)
    {
        var random = new Random(1234);
        var seen = new HashSet<int>();
        for (var i = 0; i < 20_000; i++)
        {
            var countdown = new Backoff(baseSeconds).Countdown(retries, Max, jitter: true, random);
            countdown.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(computed));
            (countdown.Ticks % TimeSpan.TicksPerSecond).Should().Be(0);
            seen.Add((int)countdown.TotalSeconds);
        }
        // Python's randrange(countdown + 1): both ends included.
        seen.Should().Contain([0, computed]);
        if (computed <= 10) seen.Should().HaveCount(computed + 1);
    }

    [Fact]
    public async Task End_to_end_the_retries_wait_1_2_4_8_seconds_with_backoff_on()
    {
        var countdowns = await RunAsync("ab.one", o => { o.RetryBackoff = true; o.MaxRetries = 4; }, retries: 4);
        countdowns.Should().Equal([1, 2, 4, 8]);
    }

    [Fact]
    public async Task End_to_end_a_base_of_5_waits_5_10_20_seconds()
    {
        var countdowns = await RunAsync("ab.five", o => { o.RetryBackoff = 5; o.MaxRetries = 3; }, retries: 3);
        countdowns.Should().Equal([5, 10, 20]);
    }

    [Fact]
    public async Task End_to_end_RetryBackoffMax_caps_the_wait()
    {
        var countdowns = await RunAsync("ab.capped", o => { o.RetryBackoff = 5; o.RetryBackoffMax = TimeSpan.FromSeconds(12); o.MaxRetries = 4; }, retries: 4);
        countdowns.Should().Equal([5, 10, 12, 12]);
    }

    [Fact]
    public async Task End_to_end_jitter_is_on_by_default_and_keeps_each_wait_within_the_computed_one()
    {
        var countdowns = await RunAsync("ab.jitter", o => { o.RetryBackoff = 3; o.MaxRetries = 6; }, retries: 6, jitter: null);
        countdowns.Should().HaveCount(6);
        for (var n = 0; n < 6; n++) countdowns[n].Should().BeInRange(0, 3 * (1 << n), $"retry {n + 1}");
    }

    [Fact]
    public async Task The_captured_autoretry_messages_are_reproduced_with_their_1_and_2_second_etas()
    {
        // autoretry_for=(ZeroDivisionError,), retry_backoff=1, retry_jitter=False, max_retries=2.
        var messages = RetryTestBed.Vector("task_v2_autoretry_backoff")["messages"]!.AsArray();
        _bed.App.Task("tasks.auto", (int x, int y) => x / y, o =>
        {
            o.AutoRetryFor = [typeof(DivideByZeroException)];
            o.RetryBackoff = 1;
            o.RetryJitter = false;
            o.MaxRetries = 2;
        });
        await _bed.StartWorkerAsync();
        var start = _bed.Clock.GetUtcNow();
        _bed.Inject(messages[0]!.AsObject());
        const string id = "bf000000-0000-4000-8000-00000000000f";

        var (first, route1, raw1) = await _bed.RetryAsync(id, 1);
        var expected1 = RetryTestBed.ExpectedEnvelope(messages[1]!.AsObject(), PythonDateTime.Format(start.AddSeconds(1)), RetryTestBed.OurOrigin, "gen20826@vm");
        var ours1 = RetryTestBed.Envelope(raw1, route1);
        JsonNode.DeepEquals(ours1, expected1).Should().BeTrue($"ours:\n{ours1}\npython:\n{expected1}");
        await _bed.FireAtAsync(first.Eta!.Value);

        var (second, route2, raw2) = await _bed.RetryAsync(id, 2);
        var expected2 = RetryTestBed.ExpectedEnvelope(messages[2]!.AsObject(), PythonDateTime.Format(start.AddSeconds(3)), RetryTestBed.OurOrigin, RetryTestBed.OurOrigin);
        var ours2 = RetryTestBed.Envelope(raw2, route2);
        JsonNode.DeepEquals(ours2, expected2).Should().BeTrue($"ours:\n{ours2}\npython:\n{expected2}");
        await _bed.FireAtAsync(second.Eta!.Value);

        (await _bed.FinishedAsync(id)).Should().Be(TaskStates.Failure);
        (await _bed.StoredAsync(id)).Exception!.Type.Should().Be(nameof(DivideByZeroException));
    }

    /// <summary>Runs an always-failing autoretry task through its retries; returns each wait in whole seconds.</summary>
    private async Task<IReadOnlyList<int>> RunAsync(string name, Action<TaskOptions> configure, int retries, bool? jitter = false)
    {
        var task = _bed.App.Task(name, (Func<int>)(() => throw new TimeoutException("slow")), o =>
        {
            o.AutoRetryFor = [typeof(TimeoutException)];
            if (jitter is { } j) o.RetryJitter = j;
            configure(o);
        });
        await _bed.StartWorkerAsync();
        var r = await task.DelayAsync();
        var countdowns = await _bed.RunRetriesAsync(r.Id, retries);
        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Failure, "past MaxRetries the original exception fails the task");
        (await _bed.StoredAsync(r.Id)).Exception!.Type.Should().Be(nameof(TimeoutException));
        return countdowns.Select(c => (int)c.TotalSeconds).ToList();
    }
}
