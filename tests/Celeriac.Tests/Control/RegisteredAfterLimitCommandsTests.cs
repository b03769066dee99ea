using System.Text.Json.Nodes;

namespace Celeriac.Tests.Control;

/// <summary>
/// <c>registered</c> shows the limits the <c>rate_limit</c> and <c>time_limit</c> commands set, as Celery's does
/// (its commands set <c>task.rate_limit</c>, <c>task.time_limit</c>, <c>task.soft_time_limit</c>, which
/// <c>registered</c> prints with <c>str()</c>).
/// </summary>
public sealed class RegisteredAfterLimitCommandsTests
{
    private static JsonObject Items(params string[] items) => new() { ["taskinfoitems"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()) };

    [Fact]
    public async Task Registered_shows_the_rate_limit_the_command_set_and_none_once_it_is_cleared()
    {
        await using var bed = await ControlTestBed.StartAsync(app =>
        {
            app.Task("tasks.add", (int x, int y) => x + y, o => o.RateLimit = "10/m");
            app.Task("tasks.mul", (int x, int y) => x * y);
        });
        (await bed.AskAsync("registered", Items("rate_limit"))).Text().Should().Be("""["tasks.add [rate_limit=10/m]","tasks.mul"]""");

        (await bed.AskAsync("rate_limit", new JsonObject { ["task_name"] = "tasks.mul", ["rate_limit"] = "5/s" })).Text()
            .Should().Be("""{"ok":"new rate limit set successfully"}""");
        (await bed.AskAsync("rate_limit", new JsonObject { ["task_name"] = "tasks.add", ["rate_limit"] = 100 })).Text()
            .Should().Be("""{"ok":"new rate limit set successfully"}""");
        (await bed.AskAsync("registered", Items("rate_limit"))).Text().Should().Be("""["tasks.add [rate_limit=100]","tasks.mul [rate_limit=5/s]"]""");

        // None disables the limit, and Celery's registered leaves a None attribute out.
        await bed.AskAsync("rate_limit", new JsonObject { ["task_name"] = "tasks.add", ["rate_limit"] = null });
        (await bed.AskAsync("registered")).Text().Should().Be("""["tasks.add","tasks.mul [rate_limit=5/s]"]""");
    }

    [Fact]
    public async Task Registered_shows_the_time_limits_the_command_set_as_python_prints_the_floats_it_sent()
    {
        await using var bed = await ControlTestBed.StartAsync(app => app.Task("tasks.add", (int x, int y) => x + y, o => o.TimeLimit = TimeSpan.FromSeconds(30)),
            options: o => o.TaskSoftTimeLimit = TimeSpan.FromSeconds(20));
        (await bed.AskAsync("registered", Items("time_limit", "soft_time_limit"))).Text().Should().Be("""["tasks.add [time_limit=30 soft_time_limit=20]"]""");

        // celery control time_limit tasks.add 5 10 sends floats: soft 5.0, hard 10.0.
        (await bed.AskAsync("time_limit", JsonNode.Parse("""{"task_name": "tasks.add", "soft": 5.0, "hard": 10.0}""")!.AsObject())).Text()
            .Should().Be("""{"ok":"time limits set successfully"}""");
        (await bed.AskAsync("registered", Items("time_limit", "soft_time_limit"))).Text().Should().Be("""["tasks.add [time_limit=10.0 soft_time_limit=5.0]"]""");

        // Without hard, Celery sets task.time_limit = None: no longer shown (the app's default is not restored).
        await bed.AskAsync("time_limit", JsonNode.Parse("""{"task_name": "tasks.add", "soft": 2.5}""")!.AsObject());
        (await bed.AskAsync("registered", Items("time_limit", "soft_time_limit"))).Text().Should().Be("""["tasks.add [soft_time_limit=2.5]"]""");
    }
}
