using System.Text.Json.Nodes;
using Celeriac.Control.Mailbox;
using Celeriac.Protocol.Json;

namespace Celeriac.Tests.Control;

/// <summary>The worker's mailbox (docs/protocol.md §7.1–7.4): which requests it runs, how it replies, that answers keep order.</summary>
public sealed class MailboxDispatchTests
{
    [Fact]
    public async Task A_ping_sent_right_after_ready_is_answered_with_pong_the_ticket_and_a_clock_past_the_senders()
    {
        await using var bed = await ControlTestBed.StartAsync();
        bed.Client.Clock = 100;

        var replies = await bed.Client.CallAsync("ping");

        replies.Should().ContainSingle();
        var (headers, body) = replies[0];
        body.ToJsonString().Should().Be("""{"celeriac@testhost":{"ok":"pong"}}""");
        headers["ticket"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        // Forward on receipt, adjust to 100 (→ at least 101), forward for the reply.
        CeleryJson.AsInt64(headers["clock"]).Should().BeGreaterThanOrEqualTo(102);
    }

    [Fact]
    public async Task A_destination_list_runs_the_command_only_on_the_nodes_it_names()
    {
        await using var bed = await ControlTestBed.StartAsync();

        await bed.NoReplyAsync("ping", destination: ["celery@elsewhere"]);
        (await bed.Client.CallAsync("ping", destination: ["celery@elsewhere", bed.Node])).Should().ContainSingle();
        // An empty destination is no destination: everyone runs it (kombu's `if destination:`).
        (await bed.Client.CallAsync("ping", destination: [])).Should().ContainSingle();
    }

    [Theory]
    [InlineData("celeriac@*", "glob", true)]
    [InlineData("celeriac@test?ost", "glob", true)]
    [InlineData("celeriac@[st]esthost", "glob", true)]
    [InlineData("celeriac@[!t]esthost", "glob", false)]
    [InlineData("celeriac", "glob", false)]
    [InlineData("CELERIAC@*", "glob", false)]
    [InlineData("cel.*@test", "pcre", true)]
    [InlineData("celeriac", "pcre", true)] // re.match anchors at the start only
    [InlineData("testhost", "pcre", false)]
    public async Task A_pattern_with_a_matcher_selects_nodes_as_kombu_matches_them(string pattern, string matcher, bool runs)
    {
        await using var bed = await ControlTestBed.StartAsync();

        var replies = await bed.Client.CallAsync("ping", pattern: pattern, matcher: matcher, timeout: TimeSpan.FromMilliseconds(runs ? 10_000 : 400));

        replies.Should().HaveCount(runs ? 1 : 0);
    }

    [Fact]
    public async Task A_destination_wins_over_a_pattern_and_a_pattern_without_matcher_is_ignored()
    {
        await using var bed = await ControlTestBed.StartAsync();

        await bed.NoReplyAsync("ping", destination: ["celery@elsewhere"], pattern: "*", matcher: "glob");
        (await bed.Client.CallAsync("ping", pattern: "nobody")).Should().ContainSingle();
    }

    [Theory]
    [InlineData("regex")]
    [InlineData("nonsense")]
    public async Task An_unknown_matcher_runs_nothing_and_the_mailbox_goes_on(string matcher)
    {
        await using var bed = await ControlTestBed.StartAsync();

        await bed.NoReplyAsync("ping", pattern: "*", matcher: matcher);
        await bed.StillAnswersAsync();
    }

    [Fact]
    public async Task A_cast_without_reply_to_runs_but_sends_nothing()
    {
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await ControlTestBed.StartAsync(beforeStart: w => w.ExtraControlCommandsForTests =
            [ControlCommand.Sync("mark", (_, _) => { ran.TrySetResult(); return ControlCommand.Ok("marked"); })]);

        await bed.Client.CastAsync("mark");

        await ran.Task.WaitAsync(TimeSpan.FromSeconds(10));
        (await bed.Client.CollectAsync("", expected: 1, TimeSpan.FromMilliseconds(300))).Should().BeEmpty();
    }

    [Fact]
    public async Task A_slow_command_does_not_stop_the_mailbox_reading_and_answers_keep_request_order()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await ControlTestBed.StartAsync(beforeStart: w => w.ExtraControlCommandsForTests =
        [
            new ControlCommand("slow", async (_, _, ct) => { await release.Task.WaitAsync(ct); return ControlCommand.Ok("slow done"); }),
        ]);

        var slow = bed.Client.CallAsync("slow", timeout: TimeSpan.FromSeconds(20));
        var pings = Enumerable.Range(0, 5).Select(i => bed.Client.CallAsync("ping", timeout: TimeSpan.FromSeconds(20))).ToList();
        await Task.Delay(200);
        pings.Should().OnlyContain(p => !p.IsCompleted, "answers come in request order, after the slow one");
        release.SetResult();

        (await slow).Should().ContainSingle();
        foreach (var ping in pings) (await ping).Should().ContainSingle();
    }

    [Fact]
    public async Task A_command_that_hangs_is_answered_with_an_error_after_the_timeout_and_the_next_one_is_answered()
    {
        await using var bed = await ControlTestBed.StartAsync(beforeStart: w =>
        {
            w.ControlHandlerTimeout = TimeSpan.FromMilliseconds(300);
            w.ExtraControlCommandsForTests = [new ControlCommand("hang", async (_, _, ct) => { await Task.Delay(Timeout.Infinite, ct); return null; })];
        });

        var value = await bed.AskAsync("hang");

        value!["error"]!.GetValue<string>().Should().StartWith("TimeoutException(");
        await bed.StillAnswersAsync();
    }

    [Fact]
    public async Task Closing_the_worker_closes_the_mailbox()
    {
        var bed = await ControlTestBed.StartAsync();
        await bed.Worker.StopAsync();

        await bed.NoReplyAsync("ping");
        await bed.DisposeAsync();
    }
}
