using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>Bad input ends in one line on stderr and the documented exit code, never a stack trace.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task A_url_without_a_scheme_is_a_usage_error_naming_the_setting()
    {
        var run = await CliRun.RunAsync("status", "-b", "localhost:6379");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("broker_url").And.Contain("redis://localhost:6379/0");
    }

    [Fact]
    public async Task A_redis_url_with_a_bad_port_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("inspect", "ping", "-b", "redis://localhost:99999/0");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle();
    }

    [Fact]
    public async Task The_in_process_memory_broker_is_refused()
    {
        var run = await CliRun.RunAsync("status", "-b", "memory://");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("memory://");
    }

    [RedisFact]
    public async Task An_unreachable_broker_fails_with_one_line_and_no_stack_trace()
    {
        var port = FreePort.Pick(); // nothing listens there

        var run = await CliRun.RunAsync("status", "-b", $"redis://127.0.0.1:{port}/0");

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ").And.Contain(port.ToString());
        run.Error.Should().NotContain("   at ").And.NotContain("Exception");
    }

    [Fact]
    public async Task An_unreachable_rabbitmq_fails_within_seconds_with_one_line()
    {
        var port = Redis.Tests.Infrastructure.FreePort.Pick(); // nothing listens there
        var started = System.Diagnostics.Stopwatch.StartNew();

        var run = await CliRun.RunAsync("inspect", "ping", "-b", $"amqp://guest:guest@127.0.0.1:{port}//");

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: Cannot connect to RabbitMQ");
        run.Error.Should().NotContain("   at ");
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "a command gives up after a few tries, not the worker's 100");
    }

    [Theory]
    [InlineData("status", "--bogus")]
    [InlineData("inspect", "nope")]
    [InlineData("inspect")]
    [InlineData("inspect", "ping", "-t", "soon")]
    [InlineData("inspect", "ping", "-t", "0")]
    [InlineData("inspect", "conf", "maybe", "-b", "redis://127.0.0.1:1/0")]
    [InlineData("inspect", "ping", "extra", "-b", "redis://127.0.0.1:1/0")]
    public async Task A_bad_command_line_exits_2_with_one_line(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ");
        run.Output.Should().BeEmpty();
    }

    /// <summary>
    /// Every command that talks to a broker and then ends, as a command line that is right but for the broker (and
    /// result backend), which each test adds. A command added to the tool belongs here: the matrix below runs each
    /// against every kind of bad input. <c>report</c> without <c>--workers</c> connects to nothing, and <c>beat</c>
    /// waits for a broker that is down, as Celery's does (it is in <see cref="CommandsThatRun"/>).
    /// </summary>
    public static readonly TheoryData<string> Commands = new()
    {
        "status",
        "inspect ping",
        "inspect query_task 0d5e2b1c-0000-4000-8000-000000000000",
        "control rate_limit cli.add 1/s",
        "control revoke 0d5e2b1c-0000-4000-8000-000000000000",
        "control shutdown",
        "call cli.add -a [1,2]",
        "call cli.add -a [1,2] --wait",
        "result 0d5e2b1c-0000-4000-8000-000000000000",
        "purge -f",
        "purge -Q a,b -X b -f",
        "report --workers",
        "events --dump --count 1",
        "events --dump --json --enable-events",
    };

    /// <summary>The commands that run until stopped: bad input must still stop them at once.</summary>
    private static readonly string[] CommandsThatRun = ["beat -s schedule.json"];

    private static string[] Words(string command) => command.Split(' ');

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_fails_on_an_unreachable_redis_with_one_line_within_seconds(string command)
    {
        var port = FreePort.Pick(); // nothing listens there

        var run = await TimedRunAsync([.. Words(command), "-b", $"redis://127.0.0.1:{port}/0", "--result-backend", $"redis://127.0.0.1:{port}/1"]);

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ").And.Contain(port.ToString());
        run.Error.Should().NotContain("   at ");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_fails_on_an_unreachable_rabbitmq_with_one_line_within_seconds(string command)
    {
        var port = FreePort.Pick();

        var run = await TimedRunAsync([.. Words(command), "-b", $"amqp://guest:guest@127.0.0.1:{port}//", "--result-backend", $"redis://127.0.0.1:{port}/1"]);

        run.ExitCode.Should().Be(1, run.ToString());
        // result reads only the backend, which is down too.
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ").And.Contain(port.ToString())
            .And.Contain(command.StartsWith("result", StringComparison.Ordinal) ? "Redis" : "Cannot connect to RabbitMQ");
        run.Error.Should().NotContain("   at ");
    }

    /// <summary>URLs refused before anything connects: no scheme, a scheme no transport has, a bad port, an in-process broker.</summary>
    public static readonly TheoryData<string, string> CommandsAndBadUrls = Cross(
        ["localhost:6379", "http://localhost/", "redis://localhost:99999/0", "redis://localhost:6379/db", "memory://", " "],
        // result reads only the result backend: it needs no broker.
        except: (command, url) => command.StartsWith("result", StringComparison.Ordinal) && url == " ");

    [Theory]
    [MemberData(nameof(CommandsAndBadUrls))]
    public async Task Every_command_refuses_a_bad_broker_url_as_a_usage_error(string command, string url)
    {
        // " " stands for an empty -b, which leaves no broker at all (CELERY_BROKER_URL is not set in the test run).
        var run = await CliRun.RunAsync([.. Words(command), "-b", url, "--result-backend", "redis://127.0.0.1:1/1"]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ");
        run.Error.Should().NotContain("   at ");
        // events --dump prints Celery's "-> evdump: starting capture..." before it reads the URL.
        run.Output.Should().NotContain("celeriac");
    }

    /// <summary>Values no command accepts: a timeout that is negative, zero, not a number, or left out.</summary>
    public static readonly TheoryData<string, string> CommandsAndBadTimeouts = Cross(["-1", "0", "soon", "NaN", "--json"]);

    [Theory]
    [MemberData(nameof(CommandsAndBadTimeouts))]
    public async Task Every_command_refuses_a_bad_timeout_before_connecting(string command, string timeout)
    {
        // A broker nothing listens on: a usage error must come before any connection is tried.
        var run = await CliRun.RunAsync([.. Words(command), "-b", "redis://127.0.0.1:1/0", "--result-backend", "redis://127.0.0.1:1/1", "-t", timeout]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ");
        run.Error.Should().NotContain("   at ");
    }

    [Theory]
    [InlineData("call", "cli.add", "-a", "[1, 2")]
    [InlineData("call", "cli.add", "-k", "{'x': 1}")]
    [InlineData("call", "cli.add", "-a", "{}")]
    [InlineData("call", "cli.add", "--countdown", "soon")]
    [InlineData("call", "cli.add", "--eta", "2026-13-01T00:00:00Z")]
    [InlineData("call", "cli.add", "--expires", "Infinity")]
    [InlineData("call", "cli.add", "--wait", "--wait-timeout", "-1")]
    [InlineData("call")]
    [InlineData("result", " ")]
    [InlineData("result")]
    [InlineData("purge", "-X", "celery", "-f")]
    [InlineData("beat", "-s", "schedule.json", "--max-interval", "-1")]
    [InlineData("beat", "-s", "no-such-schedule.json")]
    [InlineData("beat")]
    [InlineData("control", "pool_grow", "two")]
    [InlineData("inspect", "query_task")]
    [InlineData("events", "--count", "0")]
    [InlineData("events", "--max-tasks", "-1")]
    public async Task Refused_values_and_malformed_json_exit_2_before_connecting(params string[] args)
    {
        // A broker nothing listens on: the refusal must come before any connection is tried.
        var run = await CliRun.RunAsync([.. args, "-b", "redis://127.0.0.1:1/0", "--result-backend", "redis://127.0.0.1:1/1"]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ");
        run.Error.Should().NotContain("   at ");
        run.Output.Should().BeEmpty();
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("statuss")]
    [InlineData("inspect", "pong")]
    [InlineData("control", "restart")]
    [InlineData("control")]
    [InlineData("status", "now")]
    [InlineData("--broker")]
    public async Task An_unknown_command_action_or_word_exits_2_with_one_line(params string[] args)
    {
        var run = await CliRun.RunAsync([.. args, "-b", "redis://127.0.0.1:1/0"]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("celeriac: ").And.EndWith("(see celeriac --help)");
        run.Error.Should().NotContain("   at ");
    }

    /// <summary>Runs the command line and checks it returned within a few seconds: a command gives up on a broker that is down quickly.</summary>
    private static async Task<CliRun> TimedRunAsync(params string[] args)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var run = await CliRun.RunAsync(args);
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "a command gives up on a broker that is down after a few tries: " + run);
        return run;
    }

    private static TheoryData<string, string> Cross(string[] values, Func<string, string, bool>? except = null)
    {
        var data = new TheoryData<string, string>();
        var commands = new List<string>(CommandsThatRun);
        foreach (string command in Commands) commands.Add(command);
        foreach (var command in commands)
            foreach (var value in values.Where(v => except?.Invoke(command, v) != true)) data.Add(command, value);
        return data;
    }

    [Fact]
    public async Task Help_lists_the_exit_codes_and_examples()
    {
        var run = await CliRun.RunAsync("--help");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("Usage:").And.Contain("celeriac [command] [options]")
            .And.Contain("3 no worker replied").And.Contain("Examples:");
    }
}
