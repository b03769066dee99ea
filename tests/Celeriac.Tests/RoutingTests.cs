using Celeriac.Tasks;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>task_routes and per-task queues decide where a message goes (docs/protocol.md §5.10).</summary>
public sealed class RoutingTests
{
    [Fact]
    public async Task A_glob_route_sends_matching_tasks_to_its_queue()
    {
        await using var h = TestHarness.Create(o => o.Routes["tasks.*"] = "other");
        var task = h.App.Task("tasks.add", (int x, int y) => x + y);
        var unrouted = h.App.Task("misc.ping", () => "pong");

        await task.DelayAsync(1, 2);
        await unrouted.DelayAsync();

        h.Broker.Depth("other").Should().Be(1);
        h.Broker.Depth("celery").Should().Be(1);
        (await h.DrainAsync("other")).Single().Message.Task.Should().Be("tasks.add");
    }

    [Fact]
    public async Task Glob_routes_match_as_Celery_does_with_a_wildcard_anywhere_anchored_at_the_start()
    {
        // celery.app.routes.glob_to_re: '*' is '.+?', other characters are literal, re.match anchors the start only.
        await using var h = TestHarness.Create(o => o.Routes["*.add"] = "adds");

        await h.App.SendTaskAsync("math.add", [1, 2]);
        await h.App.SendTaskAsync("math.add.more", []);
        await h.App.SendTaskAsync(".add", []);
        await h.App.SendTaskAsync("math.addition", []);
        await h.App.SendTaskAsync("math_add", []);

        (await h.DrainAsync("adds")).Select(m => m.Message.Task).Should().Equal("math.add", "math.add.more", "math.addition");
        (await h.DrainAsync("celery")).Select(m => m.Message.Task).Should().Equal(".add", "math_add");
    }

    [Fact]
    public async Task An_exact_route_wins_over_an_earlier_glob_route()
    {
        await using var h = TestHarness.Create(o =>
        {
            o.Routes["tasks.*"] = "globbed";
            o.Routes["tasks.special"] = "special";
        });

        await h.App.SendTaskAsync("tasks.special", []);
        await h.App.SendTaskAsync("tasks.other", []);

        h.Broker.Depth("special").Should().Be(1);
        h.Broker.Depth("globbed").Should().Be(1);
    }

    [Fact]
    public async Task An_exact_route_matches_only_that_name_and_SendTaskAsync_is_routed_too()
    {
        await using var h = TestHarness.Create(o => o.Routes["tasks.add"] = "adds");

        await h.App.SendTaskAsync("tasks.add", [1, 2]);
        await h.App.SendTaskAsync("tasks.addition", [1, 2]);

        h.Broker.Depth("adds").Should().Be(1);
        h.Broker.Depth("celery").Should().Be(1);
    }

    [Fact]
    public async Task An_explicit_queue_beats_the_task_queue_which_beats_the_routes()
    {
        await using var h = TestHarness.Create(o => o.Routes["tasks.*"] = "routed");
        var task = h.App.Task("tasks.q", () => 1, o => o.Queue = "own");
        var routedOnly = h.App.Task("tasks.r", () => 1);

        await task.ApplyAsync(options: new TaskSendOptions { Queue = "explicit" });
        await task.ApplyAsync();
        await routedOnly.ApplyAsync();

        h.Broker.Depth("explicit").Should().Be(1);
        h.Broker.Depth("own").Should().Be(1);
        h.Broker.Depth("routed").Should().Be(1);
    }

    [Fact]
    public async Task The_default_queue_setting_is_used_when_nothing_else_routes()
    {
        await using var h = TestHarness.Create(o => o.DefaultQueue = "fallback");
        var task = h.App.Task("x.y", () => 1);

        await task.DelayAsync();

        h.Broker.Depth("fallback").Should().Be(1);
        h.Broker.Depth("celery").Should().Be(0);
    }
}
