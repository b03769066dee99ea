using System.Text.Json.Nodes;
using Celeriac.Worker;

namespace Celeriac.Tests.Control;

/// <summary>What <c>active</c>/<c>reserved</c>/<c>scheduled</c> read: every request leaves once it is done, whichever way it goes.</summary>
public sealed class TrackedRequestsTests
{
    [Fact]
    public async Task Finished_failed_and_expired_tasks_leave_nothing_behind_and_started_ones_are_counted()
    {
        await using var bed = await ControlTestBed.StartAsync(register: app =>
        {
            app.Task("t.ok", (int x) => x);
            app.Task("t.fail", () => throw new InvalidOperationException("no"));
        });
        var ids = new List<string>();
        for (var i = 0; i < 20; i++) ids.Add((await bed.Harness.SendAsync("t.ok", [i])).Id);
        ids.Add((await bed.Harness.SendAsync("t.fail")).Id);
        var expired = (await bed.Harness.SendAsync("t.ok", [1], options: new TaskSendOptions { Expires = DateTimeOffset.UtcNow.AddMinutes(-1) })).Id;
        foreach (var id in ids.Append(expired)) await bed.Signals.CompletedAsync(id);

        bed.Worker.Requests.Snapshot().Should().BeEmpty();
        (await bed.AskAsync("stats"))!["total"].Text().Should().Be("""{"t.fail":1,"t.ok":20}""");
        (await bed.AskAsync("active"))!.AsArray().Should().BeEmpty();
        (await bed.AskAsync("reserved"))!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_task_waiting_for_its_rate_limit_token_is_reserved_and_one_waiting_for_its_eta_is_scheduled()
    {
        await using var bed = await ControlTestBed.StartAsync(register: app => app.Task("t.limited", (int x) => x, o => o.RateLimit = "1/h"));
        var first = (await bed.Harness.SendAsync("t.limited", [1])).Id;
        await bed.Signals.CompletedAsync(first);
        var second = (await bed.Harness.SendAsync("t.limited", [2])).Id;
        var later = (await bed.Harness.SendAsync("t.limited", [3], options: new TaskSendOptions { Countdown = TimeSpan.FromHours(2) })).Id;
        await bed.Signals.WaitForAsync(WorkerSignalKind.Received, second);
        await bed.Signals.WaitForAsync(WorkerSignalKind.Received, later);

        (await bed.AskAsync("reserved"))!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Should().Equal(second);
        (await bed.AskAsync("scheduled"))!.AsArray().Select(r => r!["request"]!["id"]!.GetValue<string>()).Should().Equal(later);
        var query = (await bed.AskAsync("query_task", new JsonObject { ["ids"] = new JsonArray(first, second, later) }))!.AsObject();
        query.Select(kv => kv.Key).Should().Equal(second); // done and scheduled ones are not held, as in Celery
    }

    [Fact]
    public async Task Requests_given_back_at_shutdown_leave_the_tracker()
    {
        var bed = await ControlTestBed.StartAsync(register: app => app.Task("t.later", (int x) => x));
        var later = (await bed.Harness.SendAsync("t.later", [3], options: new TaskSendOptions { Countdown = TimeSpan.FromHours(2) })).Id;
        await bed.Signals.WaitForAsync(WorkerSignalKind.Received, later);
        bed.Worker.Requests.Snapshot().Should().ContainSingle();

        await bed.Worker.StopAsync();

        bed.Worker.Requests.Snapshot().Should().BeEmpty();
        await bed.DisposeAsync();
    }
}
